"""Model strings and configuration precedence: pure resolution, no I/O."""

from __future__ import annotations

import pytest

from shim._router import Route, Settings, resolve
from shim.exceptions import ConfigError, RouteError

BASE = "http://gw:4000"
KEY = "sk-gateway-key-123456"


def _resolve(model: object, env: dict[str, str] | None = None, settings: Settings | None = None, **kw: object) -> Route:
    kw.setdefault("api_base", BASE)
    kw.setdefault("api_key", KEY)
    return resolve(model, settings=settings or Settings(), env=env or {}, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("model", "sent"),
    [
        ("litellm_proxy/gpt-4o", "gpt-4o"),
        ("litellm_proxy/openai/gpt-4o", "openai/gpt-4o"),
        ("litellm_proxy/litellm_proxy/x", "litellm_proxy/x"),
        ("litellm_proxy/a b", "a b"),
        ("litellm_proxy/модель", "модель"),
    ],
)
def test_prefix_is_stripped_once(model: str, sent: str) -> None:
    assert _resolve(model).model == sent


def test_custom_llm_provider_routes_a_bare_model() -> None:
    assert _resolve("my-model", custom_llm_provider="litellm_proxy").model == "my-model"


@pytest.mark.parametrize("model", ["gpt-4o", "openai/gpt-4o", "LITELLM_PROXY/x"])
def test_model_without_prefix_is_refused_with_the_fix(model: str) -> None:
    with pytest.raises(RouteError, match=r"litellm_proxy/") as info:
        _resolve(model)
    assert "use_litellm_proxy" in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("env", "settings"),
    [({"USE_LITELLM_PROXY": "1"}, None), ({"USE_LITELLM_PROXY": "True"}, None), ({}, Settings(use_litellm_proxy=True))],
)
def test_route_all_sends_the_whole_string(env: dict[str, str], settings: Settings | None) -> None:
    assert _resolve("openai/gpt-4o", env=env, settings=settings).model == "openai/gpt-4o"
    assert _resolve("litellm_proxy/x", env=env, settings=settings).model == "x"


@pytest.mark.parametrize("value", ["0", "false", "", "no"])
def test_falsy_route_all_env_does_not_route(value: str) -> None:
    with pytest.raises(RouteError):
        _resolve("gpt-4o", env={"USE_LITELLM_PROXY": value})


@pytest.mark.parametrize("model", ["", "   ", "litellm_proxy/", " litellm_proxy/x", "litellm_proxy/x\n", "a\x00b"])
def test_malformed_model_strings(model: str) -> None:
    with pytest.raises(RouteError):
        _resolve(model, custom_llm_provider="litellm_proxy")


def test_non_string_model_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="model must be a string"):
        _resolve(42)


def test_other_provider_is_refused() -> None:
    with pytest.raises(RouteError, match="custom_llm_provider='openai'"):
        _resolve("gpt-4o", custom_llm_provider="openai")


ENV = {"LITELLM_PROXY_API_BASE": "http://env:1", "LITELLM_PROXY_API_KEY": "sk-env"}


@pytest.mark.parametrize(
    ("call", "settings", "env", "base", "key"),
    [
        (
            {"api_base": "http://call:1", "api_key": "sk-call"},
            Settings("http://attr:1", "sk-attr"),
            ENV,
            "http://call:1",
            "sk-call",
        ),
        ({"base_url": "http://alias:1", "api_key": "sk-call"}, Settings(), {}, "http://alias:1", "sk-call"),
        ({}, Settings("http://attr:1", "sk-attr"), ENV, "http://attr:1", "sk-attr"),
        ({}, Settings(), ENV, "http://env:1", "sk-env"),
        ({"api_key": "sk-call"}, Settings("http://attr:1"), ENV, "http://attr:1", "sk-call"),
    ],
)
def test_precedence_call_then_attribute_then_env(
    call: dict[str, str], settings: Settings, env: dict[str, str], base: str, key: str
) -> None:
    api_base = call.get("api_base") or call.get("base_url")
    route = resolve("litellm_proxy/m", api_base=api_base, api_key=call.get("api_key"), settings=settings, env=env)
    assert (route.base_url, route.api_key) == (base, key)


def test_openai_variables_are_never_used() -> None:
    env = {"OPENAI_BASE_URL": "https://api.openai.com/v1", "OPENAI_API_KEY": "sk-openai", "OPENAI_API_BASE": "x"}
    with pytest.raises(ConfigError) as info:
        resolve("litellm_proxy/m", settings=Settings(), env=env)
    message = str(info.value)
    assert "api_base=" in message and "shim.api_base" in message and "LITELLM_PROXY_API_BASE" in message
    with pytest.raises(ConfigError, match="LITELLM_PROXY_API_KEY") as info:
        resolve("litellm_proxy/m", settings=Settings(api_base="http://gw"), env=env)
    assert "shim.api_key" in str(info.value) and "sk-openai" not in str(info.value)


@pytest.mark.parametrize(
    ("given", "normalized"),
    [
        ("http://gw:4000", "http://gw:4000"),
        ("http://gw:4000/", "http://gw:4000"),
        ("http://gw:4000/v1", "http://gw:4000/v1"),
        ("https://gw.example/v1/", "https://gw.example/v1"),
        ("http://[::1]:4000", "http://[::1]:4000"),
    ],
)
def test_base_url_with_or_without_v1(given: str, normalized: str) -> None:
    assert _resolve("litellm_proxy/m", api_base=given).base_url == normalized


@pytest.mark.parametrize(
    ("url", "match"),
    [
        ("gw:4000", "not an http"),
        ("localhost", "not an http"),
        ("ftp://gw", "not an http"),
        ("http://user:secret@gw:4000", "credentials"),
        ("http://gw:4000/v1 ", "whitespace"),
        ("http://gw:4000?x=1", "query"),
        ("http://gw:99999", "port"),
    ],
)
def test_malformed_base_urls(url: str, match: str) -> None:
    with pytest.raises(ConfigError, match=match) as info:
        _resolve("litellm_proxy/m", api_base=url)
    assert "secret" not in str(info.value)


@pytest.mark.parametrize("key", ["sk-abc\nInjected: 1", "sk-abc\r\n", "sk-ключ", "sk abc", "sk-\x00"])
def test_keys_that_would_break_the_header(key: str) -> None:
    with pytest.raises(ConfigError, match="api_key contains") as info:
        _resolve("litellm_proxy/m", api_key=key)
    assert key not in str(info.value)


def test_route_repr_hides_the_key() -> None:
    route = _resolve("litellm_proxy/m")
    assert KEY not in repr(route) and KEY not in str(route)
    assert KEY not in repr(Settings(api_key=KEY))


@pytest.mark.parametrize("name", ["api_base", "api_key"])
@pytest.mark.parametrize("empty", ["", "   "])
def test_a_setting_given_empty_is_an_error_not_a_fall_through(name: str, empty: str) -> None:
    # A tenant whose key is empty must never be sent with the process's key (maybe a master key).
    given = {"api_base": BASE, "api_key": KEY, name: empty}
    with pytest.raises(ConfigError, match=f"{name} is empty") as info:
        resolve("litellm_proxy/m", settings=Settings(), env=ENV, **given)  # type: ignore[arg-type]
    assert "sk-env" not in str(info.value)
    with pytest.raises(ConfigError, match=f"{name} is empty"):
        resolve("litellm_proxy/m", settings=Settings(**{name: empty}), env=ENV)  # type: ignore[arg-type]


def test_an_empty_environment_variable_counts_as_unset() -> None:
    env = {"LITELLM_PROXY_API_BASE": "", "LITELLM_PROXY_API_KEY": "  "}
    with pytest.raises(ConfigError, match="No gateway api_base"):
        resolve("litellm_proxy/m", settings=Settings(), env=env)
