"""/docs: the OpenAPI schema as one server-rendered page.

FastAPI's own /docs loads Swagger UI from a CDN, which this project never does (the page must work
offline and fetch nothing from elsewhere). The one PyPI package that bundles Swagger UI ships a
2022 release that cannot render OpenAPI 3.1, which FastAPI emits; so the schema is rendered here
by a template: every endpoint, its parameters with their types and limits, its responses and the
fields of its JSON. No JavaScript.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from newsdesk.api.operator import templates

router = APIRouter(include_in_schema=False)


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def describe_type(spec: dict, schema: dict) -> str:
    schema = _resolve(spec, schema)
    if "anyOf" in schema:
        kinds = [describe_type(spec, option) for option in schema["anyOf"]]
        return " or ".join(kind for kind in kinds if kind != "null") + (", may be null" if "null" in kinds else "")
    kind = schema.get("type", schema.get("title", "object"))
    if kind == "array":
        kind = f"list of {describe_type(spec, schema.get('items', {}))}"
    if "format" in schema:
        kind += f" ({schema['format']})"
    if "enum" in schema:
        kind += ": " + " | ".join(str(value) for value in schema["enum"])
    if "const" in schema:
        kind += f": {schema['const']}"
    limits = [f"{label} {schema[key]}" for key, label in (("minimum", "≥"), ("maximum", "≤"), ("maxLength", "at most"))
              if key in schema]
    if "pattern" in schema:
        limits.append(f"matching {schema['pattern']}")
    if "default" in schema and schema["default"] is not None:
        limits.append(f"default {schema['default']}")
    return kind + (f" [{', '.join(limits)}]" if limits else "")


def endpoints(spec: dict) -> list[dict]:
    out = []
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            parameters = [{
                "name": p["name"], "location": p["in"], "required": p.get("required", False),
                "type": describe_type(spec, p.get("schema", {})),
                "description": p.get("description") or p.get("schema", {}).get("description", ""),
            } for p in operation.get("parameters", [])]
            responses = [(code, r.get("description", "")) for code, r in operation.get("responses", {}).items()]
            model, fields = "", []
            ok = operation.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
            schema = ok.get("schema")
            if schema:
                resolved = _resolve(spec, schema)
                if resolved.get("type") == "array":
                    resolved = _resolve(spec, resolved.get("items", {}))
                model = resolved.get("title", "")
                fields = [(name, describe_type(spec, prop), prop.get("description", ""))
                          for name, prop in resolved.get("properties", {}).items()]
            out.append({"method": method.upper(), "path": path, "summary": operation.get("summary", ""),
                        "description": operation.get("description", ""), "parameters": parameters,
                        "responses": responses, "model": model, "fields": fields,
                        "anchor": f"{method}-{path.strip('/').replace('/', '-').replace('{', '').replace('}', '')}"})
    return out


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request):
    spec = request.app.openapi()
    return templates.TemplateResponse(request, "docs.html", {"spec": spec, "endpoints": endpoints(spec)})
