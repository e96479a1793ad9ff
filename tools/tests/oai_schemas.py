# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Twilio's OpenAPI schemas (``oai/``) as JSON schemas, for the simulator's tests."""

import functools
from pathlib import Path

import jsonschema
import yaml

OAI = Path(__file__).resolve().parents[1] / "twilio_simulator" / "oai"


@functools.cache
def load_spec(name):
    with open(OAI / name, encoding="utf-8") as file:
        return yaml.load(file, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _null_paths(examples):
    """Dotted paths that Twilio's own examples show as null."""
    paths = set()

    def walk(value, path):
        if value is None:
            paths.add(path)
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else key)

    for example in examples:
        walk(example, "")
    return paths


def _to_json_schema(node, components, null_paths=frozenset(), path=""):
    """OpenAPI 3.0 schema -> JSON schema: ``$ref`` inlined, ``nullable`` as null.

    Twilio's spec leaves some fields non-nullable that its own examples return
    as null (packages not requested, ``error_code`` without error); those
    paths (``null_paths``) accept null too.
    """
    if "$ref" in node:
        target = components[node["$ref"].rsplit("/", 1)[1]]
        result = _to_json_schema(target, components, null_paths, path)
    else:
        result = {}
        for key, value in node.items():
            if key == "properties":
                result[key] = {
                    name: _to_json_schema(
                        sub, components, null_paths, f"{path}.{name}" if path else name
                    )
                    for name, sub in value.items()
                }
            elif key == "items":
                result[key] = _to_json_schema(value, components, null_paths, path)
            elif key in ("type", "enum", "pattern", "minLength", "maxLength"):
                result[key] = value
    if node.get("nullable") or (path and path in null_paths):
        result = {"anyOf": [result, {"type": "null"}]}
    return result


def response_examples(spec, path, method, status):
    content = spec["paths"][path][method]["responses"][status]["content"]
    examples = content["application/json"].get("examples", {})
    return [example["value"] for example in examples.values()]


@functools.cache
def message_schema():
    spec = load_spec("twilio_api_v2010.yaml")
    components = spec["components"]["schemas"]
    return _to_json_schema(components["api.v2010.account.message"], components)


@functools.cache
def lookup_schema():
    spec = load_spec("twilio_lookups_v2.yaml")
    components = spec["components"]["schemas"]
    # Named ``lookups.v2.phone_number`` in older specs, ``LookupResponse`` since.
    name = (
        "lookups.v2.phone_number"
        if "lookups.v2.phone_number" in components
        else "LookupResponse"
    )
    examples = response_examples(spec, "/v2/PhoneNumbers/{PhoneNumber}", "get", "200")
    return _to_json_schema(components[name], components, _null_paths(examples))


@functools.cache
def error_schema():
    """Twilio's error body, as its spec describes it inline on error responses."""
    spec = load_spec("twilio_lookups_v2.yaml")
    for operations in spec["paths"].values():
        for method in ("get", "post", "put", "delete"):
            operation = operations.get(method) or {}
            for status, response in (operation.get("responses") or {}).items():
                schema = (
                    response.get("content", {})
                    .get("application/json", {})
                    .get("schema")
                )
                keys = set((schema or {}).get("properties", {}))
                if status.startswith("4") and keys == {
                    "code",
                    "message",
                    "more_info",
                    "status",
                }:
                    return _to_json_schema(schema, spec["components"]["schemas"])
    raise AssertionError("no error schema in the spec")


def assert_matches(instance, schema):
    jsonschema.validate(instance, schema)
    assert set(instance) == set(schema.get("properties", instance)), "keys differ"


@functools.cache
def batch_lookup_schema():
    """An answer of ``POST /v2/batch/query``: ``LookupBatchResponse`` items."""
    oai = load_spec("twilio_lookups_v2.yaml")
    components = oai["components"]["schemas"]
    operation = oai["paths"]["/v2/batch/query"]["post"]
    content = operation["responses"]["200"]["content"]["application/json"]
    # Packages not asked for are null, as in the single lookup's examples.
    examples = response_examples(oai, "/v2/PhoneNumbers/{PhoneNumber}", "get", "200")
    nulls = _null_paths(examples) | {"twilio_error_code", "correlation_id"}
    # What the single lookup may leave null (an invalid number), so may a batch.
    single = components["LookupResponse"]["properties"]
    nulls |= {name for name, field in single.items() if field.get("nullable")}
    nulls |= {f"phone_numbers.{path}" for path in nulls}
    return _to_json_schema(content["schema"], components, nulls)
