"""The `shim` command: poke a LiteLLM gateway from a terminal (`shim chat`, `shim doctor`, `shim demo`, ...).

Configured like the library: `--api-base`/`--api-key` (per call) > `shim.api_base`/`shim.api_key` >
LITELLM_PROXY_API_BASE/LITELLM_PROXY_API_KEY. Errors print one line, `shim: error: ...`, and exit 1 (2 for
usage errors); `--verbose` adds the traceback. Not imported by `import shim`.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, Any

import shim
from shim._cli.demo import KINDS, demo, env_name
from shim._cli.doctor import doctor
from shim._cli.explain import explain
from shim._endpoints.specs import FILE_PURPOSES
from shim._router import ENV_BASE, ENV_KEY, SettingName, lookup, normalize_base_url
from shim.exceptions import ConfigError

_EPILOG = f"""configuration: --api-base/--api-key, else {ENV_BASE}/{ENV_KEY} (prefer the environment for the key:
other users can read command lines with ps). Models may be given as NAME or litellm_proxy/NAME."""


class UsageError(Exception):
    """A mistake in how the command was called: reported like argparse's own errors (exit 2)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `shim` command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.handler not in (_doctor, _demo, _router):
            _check_configured(args)
        return args.handler(args)
    except UsageError as error:
        args.subparser.error(str(error))  # exits 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`shim models | head -1`): not an error, but stdout must not be flushed again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:
        if getattr(args, "verbose", False):
            traceback.print_exc()
        print(f"shim: error: {explain(error, _base_url(args), getattr(args, 'model', None))}", file=sys.stderr)
        return 1
    finally:
        shim.close()
    return 1  # pragma: no cover  (error() exits)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: global options are accepted before or after the subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("gateway options")
    group.add_argument("--api-base", metavar="URL", default=argparse.SUPPRESS, help=f"gateway URL (else ${ENV_BASE})")
    group.add_argument("--api-key", metavar="KEY", default=argparse.SUPPRESS, help=f"gateway key (else ${ENV_KEY})")
    group.add_argument("--timeout", type=float, metavar="SECONDS", default=argparse.SUPPRESS, help="per request")
    group.add_argument("--retries", type=int, metavar="N", default=argparse.SUPPRESS, help="retries (default 2)")
    group.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="show tracebacks")
    parser = argparse.ArgumentParser(
        prog="shim", description="Talk to a LiteLLM gateway.", epilog=_EPILOG, parents=[common]
    )
    parser.add_argument("--version", action="version", version=f"shim {shim.__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for name, add, handler, summary in _COMMANDS:
        sub = commands.add_parser(name, parents=[common], help=summary, description=summary, epilog=_EPILOG)
        add(sub)
        sub.set_defaults(handler=handler, subparser=sub)
    return parser


# ---- chat ------------------------------------------------------------------------------------------------------


def _add_chat(sub: argparse.ArgumentParser) -> None:
    _model_arg(sub)
    sub.add_argument("prompt", nargs="?", help="the prompt (default: read stdin)")
    sub.add_argument("-s", "--system", help="a system message")
    sub.add_argument("--no-stream", action="store_true", help="wait for the whole answer")
    sub.add_argument("--json", action="store_true", help="print the raw response as JSON (implies --no-stream)")
    sub.add_argument("--max-tokens", type=int, metavar="N")
    sub.add_argument("--temperature", type=float, metavar="T")


def _chat(args: argparse.Namespace) -> int:
    messages = [{"role": "system", "content": args.system}] if args.system else []
    messages.append({"role": "user", "content": _text_or_stdin(args.prompt, "prompt")})
    options = {**_model_options(args), "max_tokens": args.max_tokens, "temperature": args.temperature}
    if args.json or args.no_stream:
        response = shim.completion(args.model, messages, stream=False, **options)
        _print(response.to_json(indent=2) if args.json else response.choices[0].message.content or "")
        return 0
    with shim.completion(args.model, messages, stream=True, **options) as stream:
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                sys.stdout.write(chunk.choices[0].delta.content)
                sys.stdout.flush()
    _print("")
    return 0


# ---- embed, rerank, image --------------------------------------------------------------------------------------


def _add_embed(sub: argparse.ArgumentParser) -> None:
    _model_arg(sub)
    sub.add_argument("text", nargs="*", help="texts to embed (default: one per line of stdin)")
    sub.add_argument("--dimensions", type=int, metavar="N")
    sub.add_argument("--json", action="store_true", help="print the raw response as JSON")


def _embed(args: argparse.Namespace) -> int:
    texts = args.text or _lines_of_stdin("text")
    response = shim.embedding(args.model, input=texts, dimensions=args.dimensions, **_model_options(args))
    if args.json:
        _print(response.to_json(indent=2))
        return 0
    for item in response.data:
        head = ", ".join(f"{value:.4f}" for value in item.embedding[:4])
        _print(f"{item.index}\t{len(item.embedding)} dims\t[{head}, ...]\t{texts[item.index]}")
    return 0


def _add_rerank(sub: argparse.ArgumentParser) -> None:
    _model_arg(sub)
    sub.add_argument("-q", "--query", required=True)
    sub.add_argument("documents", nargs="*", metavar="DOC", help="documents (default: one per line of stdin)")
    sub.add_argument("--top-n", type=int, metavar="N")
    sub.add_argument("--json", action="store_true", help="print the raw response as JSON")


def _rerank(args: argparse.Namespace) -> int:
    documents: list[str] = args.documents or _lines_of_stdin("document")
    options = {**_model_options(args), "top_n": args.top_n}
    response = shim.rerank(args.model, query=args.query, documents=list(documents), **options)
    if args.json:
        _print(response.to_json(indent=2))
        return 0
    for rank, result in enumerate(response.results, start=1):
        _print(f"{rank}\t{result.relevance_score:.4f}\t{documents[result.index]}")
    return 0


def _add_image(sub: argparse.ArgumentParser) -> None:
    _model_arg(sub)
    sub.add_argument("prompt", nargs="?", help="what to draw (default: read stdin)")
    sub.add_argument("-o", "--output", metavar="FILE", help="save the image here ('-' for stdout); else print URLs")
    sub.add_argument("--size", help="e.g. 1024x1024")
    sub.add_argument("-n", type=int, default=None, help="how many images (saved as FILE, FILE-2, ...)")


def _image(args: argparse.Namespace) -> int:
    prompt = _text_or_stdin(args.prompt, "prompt")
    options = {**_model_options(args), "size": args.size, "n": args.n}
    if args.output:
        options["response_format"] = "b64_json"
    images = shim.image_generation(args.model, prompt=prompt, **options).data or []
    for number, image in enumerate(images, start=1):
        if not args.output:
            _print(image.url or "(the gateway sent image data, not a URL: pass -o FILE to save it)")
        elif image.b64_json:
            _write(_numbered(args.output, number), [base64.b64decode(image.b64_json)])
        else:
            raise RuntimeError(f"the gateway sent a URL, not image data: {image.url}")
    return 0


# ---- audio -----------------------------------------------------------------------------------------------------


def _add_speak(sub: argparse.ArgumentParser) -> None:
    _model_arg(sub)
    sub.add_argument("text", nargs="?", help="what to say (default: read stdin)")
    sub.add_argument("-o", "--output", metavar="FILE", required=True, help="where to save the audio ('-' for stdout)")
    sub.add_argument("--voice", default="alloy", help="default: alloy")
    sub.add_argument("--format", dest="response_format", help="mp3, opus, aac, flac, wav or pcm")


def _speak(args: argparse.Namespace) -> int:
    text = _text_or_stdin(args.text, "text")
    options = {**_model_options(args), "response_format": args.response_format}
    with shim.speech(args.model, input=text, voice=args.voice, stream=True, **options) as audio:
        _write(args.output, audio.iter_bytes())
    return 0


def _add_transcribe(sub: argparse.ArgumentParser) -> None:
    _model_arg(sub)
    sub.add_argument("file", metavar="FILE", help="the audio file ('-' for stdin)")
    sub.add_argument("--language", help="e.g. en")
    sub.add_argument("--json", action="store_true", help="print the raw response as JSON")


def _transcribe(args: argparse.Namespace) -> int:
    upload: Any = ("audio", sys.stdin.buffer.read()) if args.file == "-" else args.file
    options = {**_model_options(args), "language": args.language}
    response = shim.transcription(args.model, file=upload, **options)
    _print(response.to_json(indent=2) if args.json else response.text)
    return 0


# ---- files ---------------------------------------------------------------------------------------------------


def _add_files(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("action", nargs="?", choices=("list", "upload", "get", "delete"), default="list")
    sub.add_argument("target", nargs="?", metavar="FILE_OR_ID", help="upload: a path ('-' for stdin); else an id")
    sub.add_argument("--purpose", choices=FILE_PURPOSES, help="upload: required ('batch' for a batch); list: filter")
    sub.add_argument("-o", "--output", metavar="FILE", help="get: save the content here ('-' for stdout)")
    sub.add_argument("--json", action="store_true", help="print the raw response as JSON")


def _files(args: argparse.Namespace) -> int:
    options = _gateway_options(args)
    if args.action == "list":
        page = shim.file_list(purpose=args.purpose, **options)
        rows = "\n".join(f"{f.id}\t{f.bytes}\t{f.purpose}\t{f.filename}" for f in page.data)
        _print(page.to_json(indent=2) if args.json else rows or "no files")
        return 0
    if not args.target:
        raise UsageError(f"files {args.action} needs a {'path' if args.action == 'upload' else 'file id'}")
    if args.action == "upload":
        if args.purpose is None:
            raise UsageError("files upload needs --purpose, e.g. --purpose batch")
        upload: Any = ("stdin", sys.stdin.buffer.read()) if args.target == "-" else args.target
        created = shim.create_file(upload, args.purpose, **options)
        _print(created.to_json(indent=2) if args.json else created.id)
    elif args.action == "get" and args.output:
        with shim.file_content(args.target, stream=True, **options) as content:
            _write(args.output, content.iter_bytes())
    elif args.action == "get":
        _print(shim.file_retrieve(args.target, **options).to_json(indent=2))
    else:
        deleted = shim.file_delete(args.target, **options)
        _print(deleted.to_json(indent=2) if args.json else f"deleted {deleted.id}")
    return 0


# ---- models, doctor, demo --------------------------------------------------------------------------------------


def _add_models(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--json", action="store_true", help="print a JSON list (with --info, an object by model)")
    sub.add_argument("--info", action="store_true", help="add what the gateway says of each: context, price, supports")


def _models(args: argparse.Namespace) -> int:
    options = _gateway_options(args)
    names = shim.models(**options)
    if args.info:
        infos = {name: _model_info(name, options) for name in names}
        _print(json.dumps(infos, indent=2) if args.json else "\n".join(_info_line(*item) for item in infos.items()))
    else:
        _print(json.dumps(names, indent=2) if args.json else "\n".join(names))
    return 0


def _model_info(name: str, options: dict[str, Any]) -> dict[str, Any]:
    from shim._endpoints.facts import UnknownModelGroup

    try:
        return shim.get_model_info("litellm_proxy/" + name, **options)  # one GET /model/info serves every name
    except UnknownModelGroup:  # listed by /models (a wildcard route, say) but not described by /model/info
        return {}


def _info_line(name: str, info: dict[str, Any]) -> str:
    facts = [f"context={info.get('max_input_tokens') or '?'}"]
    if info.get("input_cost_per_token") is not None:
        facts.append(f"$/token in={info['input_cost_per_token']:g} out={info.get('output_cost_per_token') or 0:g}")
    supported = sorted(
        key.removeprefix("supports_") for key, value in info.items() if key.startswith("supports_") and value is True
    )
    if supported:
        facts.append("supports " + ",".join(supported))
    return f"{name}  " + "  ".join(facts)


def _add_doctor(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("-m", "--model", help="also time a chat round trip with this model")


def _doctor(args: argparse.Namespace) -> int:
    timeout = getattr(args, "timeout", None) or 10.0
    ok = doctor(getattr(args, "api_base", None), getattr(args, "api_key", None), args.model, timeout=timeout)
    return 0 if ok else 1


def _add_demo(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--fake", action="store_true", help=f"use the embedded FakeProxy even if {ENV_BASE} is set")
    for kind in KINDS:
        sub.add_argument(f"--{kind}-model", metavar="MODEL", help=f"on a real gateway (else ${env_name(kind)})")


def _demo(args: argparse.Namespace) -> int:
    models = {kind: getattr(args, f"{kind}_model") for kind in KINDS}
    options = _gateway_options(args)
    ok = demo(options.pop("api_base", None), options.pop("api_key", None), models=models, fake=args.fake, **options)
    return 0 if ok else 1


# ---- shared ----------------------------------------------------------------------------------------------------


def _model_arg(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("-m", "--model", required=True, help="model name on the gateway")


def _gateway_options(args: argparse.Namespace) -> dict[str, Any]:
    flags = {"api_base": "api_base", "api_key": "api_key", "timeout": "timeout", "retries": "num_retries"}
    return {option: getattr(args, flag) for flag, option in flags.items() if getattr(args, flag, None) is not None}


def _model_options(args: argparse.Namespace) -> dict[str, Any]:
    # A bare name goes to the gateway as is, and so does litellm_proxy/NAME (as NAME).
    return {**_gateway_options(args), "custom_llm_provider": "litellm_proxy"}


def _check_configured(args: argparse.Namespace) -> None:
    """Say what is missing in the command line's own terms (flags and variables), before any call."""
    checks: tuple[tuple[str, SettingName, str, str], ...] = (
        ("--api-base", "api_base", ENV_BASE, "http://host:4000"),
        ("--api-key", "api_key", ENV_KEY, "sk-..."),
    )
    for flag, attribute, variable, example in checks:
        if lookup(attribute, getattr(args, attribute, None), given_as=flag).value is None:
            raise ConfigError(f"no gateway {attribute}: set {variable}={example} or pass {flag}")


def _base_url(args: argparse.Namespace) -> str | None:
    try:
        url = lookup("api_base", getattr(args, "api_base", None), given_as="--api-base").value
        return normalize_base_url(url) if url is not None else None
    except ValueError:
        return None


def _text_or_stdin(value: str | None, what: str) -> str:
    if value is not None and value != "-":
        return value
    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError(f"no {what}: give it as an argument or pipe it on stdin")
    text = sys.stdin.read().strip()
    if not text:
        raise UsageError(f"no {what}: stdin was empty")
    return text


def _lines_of_stdin(what: str) -> list[str]:
    lines = [line.strip() for line in _text_or_stdin(None, what).splitlines()]
    return [line for line in lines if line]


def _numbered(path: str, number: int) -> str:
    if number == 1 or path == "-":
        return path
    file = Path(path)
    return str(file.with_name(f"{file.stem}-{number}{file.suffix}"))


def _write(path: str, pieces: Iterable[bytes]) -> None:
    """Write binary output to a file, or to stdout for "-", as it arrives."""
    with contextlib.nullcontext(sys.stdout.buffer) if path == "-" else Path(path).open("wb") as out:
        size = sum(out.write(piece) for piece in pieces)
        out.flush()
    if path != "-":
        print(f"wrote {path} ({size} bytes)", file=sys.stderr)


def _print(text: str, stream: IO[str] | None = None) -> None:
    print(text, file=stream or sys.stdout, flush=True)


_Adder = Callable[[argparse.ArgumentParser], None]
_Handler = Callable[[argparse.Namespace], int]


def _add_router(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("action", choices=["check"], help="check: what a Router would do with the config")
    sub.add_argument("config", help="a LiteLLM proxy-style config (model_list, router_settings): YAML or JSON")


def _router(args: argparse.Namespace) -> int:
    from shim._balancer import check

    for line in check.report(check.load(args.config)):
        _print(line)
    return 0


_COMMANDS: list[tuple[str, _Adder, _Handler, str]] = [
    ("chat", _add_chat, _chat, "chat with a model; streams the answer as it arrives"),
    ("router", _add_router, _router, "check a Router config (model_list, router_settings) without a request"),
    ("embed", _add_embed, _embed, "embed texts"),
    ("rerank", _add_rerank, _rerank, "rank documents against a query"),
    ("image", _add_image, _image, "generate an image"),
    ("speak", _add_speak, _speak, "text to speech"),
    ("transcribe", _add_transcribe, _transcribe, "speech to text"),
    ("files", _add_files, _files, "list, upload, get (-o: download) or delete files on the gateway"),
    ("models", _add_models, _models, "list the models the key may use"),
    ("doctor", _add_doctor, _doctor, "check the configuration and the gateway, and explain what is wrong"),
    ("demo", _add_demo, _demo, "run every endpoint once (on an embedded fake gateway unless one is configured)"),
]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
