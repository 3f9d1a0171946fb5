"""The `fake_litellm_proxy` fixture, as a user's test suite sees it: a separate pytest run in a fresh directory.

The run finds the fixture through the installed `pytest11` entry point, with no conftest or `-p` option.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest_plugins = ["pytester"]

USER_TESTS = '''
import os

import pytest

import shim


def ask(question):
    """The user's code: configured by the environment, as in production."""
    response = shim.completion("litellm_proxy/my-model", [{"role": "user", "content": question}])
    return response.choices[0].message.content


def test_my_code_against_the_fake_gateway(fake_litellm_proxy):
    assert os.environ["LITELLM_PROXY_API_BASE"] == fake_litellm_proxy.url
    assert os.environ["LITELLM_PROXY_API_KEY"] == fake_litellm_proxy.api_key
    assert ask("hi") == "echo: hi"
    assert fake_litellm_proxy.requests[-1].json["model"] == "my-model"


def test_scripted_failures(fake_litellm_proxy):
    fake_litellm_proxy.respond(429, headers={"retry-after": "0"}, times=3)
    with pytest.raises(shim.RateLimitError):
        ask("hi")
    assert len(fake_litellm_proxy.requests) == 3  # the first try and two retries


def test_each_test_gets_its_own_gateway(fake_litellm_proxy):
    assert fake_litellm_proxy.requests == []


def test_the_environment_is_restored_afterwards():
    assert "LITELLM_PROXY_API_BASE" not in os.environ
'''


@pytest.fixture
def user_project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A directory with its own pytest configuration, as strict as ours (warnings are errors)."""
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\nfilterwarnings = error\n")
    return pytester


def test_the_fixture_is_available_to_any_test_suite(user_project: pytest.Pytester) -> None:
    user_project.makepyfile(test_user_code=USER_TESTS)
    result = user_project.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_the_fixture_is_listed_with_its_docstring(user_project: pytest.Pytester) -> None:
    result = user_project.runpytest("--fixtures", "-p", "no:cacheprovider")  # in-process: entry points load too
    result.stdout.fnmatch_lines(["fake_litellm_proxy -- *shim*pytest_plugin.py*", "*A started*FakeProxy*"])


def test_import_shim_imports_neither_pytest_nor_the_cli() -> None:
    code = (
        "import sys, shim; print(sorted(m for m in sys.modules if m in ('pytest', 'shim.cli', 'shim.pytest_plugin')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
