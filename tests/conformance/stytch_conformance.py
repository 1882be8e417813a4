#!/usr/bin/env python3
"""Conformance of the SessionKit sandbox against Stytch's official Python SDK.

Drives the sandbox's frontend-SDK endpoints over plain HTTP, then hands every answer to the
parsing code of the official `stytch` package (the pydantic models its API methods use) and
every session JWT to its local verification (`Sessions.authenticate_jwt_local`). Whatever the
official SDK would reject, or map to a different session, is a failure.

Needs Python 3.11 and `pip install stytch==15.3.0` (which brings pydantic and PyJWT; nothing
else is used beyond the standard library).

    python stytch_conformance.py --sandbox-bin path/to/sessionkit-sandbox
    python stytch_conformance.py --base-url http://127.0.0.1:8787 \
        --public-token public-token-test-... --project-id project-test-...

Without options, SANDBOX_BASE_URL, SANDBOX_PUBLIC_TOKEN and SANDBOX_PROJECT_ID are read.
Once the options are understood, the last line is always
`stytch conformance: N checks, F failed (stytch X.Y.Z)`; the exit status is 1 when anything
failed (an unreachable sandbox included), 2 on bad usage.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import datetime
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any

# Both come with the stytch package: its models are pydantic, its JWT code is PyJWT.
import jwt as pyjwt
import pydantic
from stytch.consumer.api.sessions import Sessions
from stytch.consumer.models import passwords as passwords_models
from stytch.consumer.models import sessions as sessions_models
from stytch.core.api_base import ApiBase
from stytch.core.client_base import ClientBase
from stytch.core.response_base import StytchError
from stytch.shared import jwt_helpers
from stytch.version import __version__ as STYTCH_VERSION

# The SDK release whose models this suite was written against.
PINNED_STYTCH_VERSION = "15.3.0"

# Fields `Sessions.authenticate_jwt_local` reads inside the session claim (stytch 15.3.0,
# consumer/api/sessions.py). `expires_at` is optional there: it falls back to `exp`.
SESSION_CLAIM = "https://stytch.com/session"
SESSION_CLAIM_FIELDS = (
    "id",
    "started_at",
    "last_accessed_at",
    "attributes",
    "authentication_factors",
    "roles",
)


# --------------------------------------------------------------------------------------------
# Bookkeeping


class Report:
    """Counts checks, prints failures as they happen."""

    def __init__(self, verbose: bool) -> None:
        self.verbose = verbose
        self.checks = 0
        self.failures = 0

    def check(self, name: str, ok: bool, detail: str | list[str] = "") -> bool:
        self.checks += 1
        if ok:
            if self.verbose:
                print(f"ok    {name}")
            return True
        self.failures += 1
        print(f"FAIL  {name}")
        for line in [detail] if isinstance(detail, str) else detail:
            if line:
                print(f"        {line}")
        return False

    def note(self, text: str) -> None:
        """Something not checked, said out loud so nobody mistakes silence for a pass."""
        print(f"note  {text}")


# --------------------------------------------------------------------------------------------
# HTTP, stdlib only: the official client only talks to https:// hosts and to Stytch's backend
# API (project_id:secret), not to the frontend-SDK endpoints the sandbox serves.


@dataclasses.dataclass
class Reply:
    status: int
    content_type: str
    raw: bytes

    def json(self) -> Any:
        return json.loads(self.raw)


def basic(user: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()


class Sandbox:
    def __init__(self, base_url: str, public_token: str, project_id: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.public_token = public_token
        self.project_id = project_id

    @property
    def jwks_url(self) -> str:
        return f"{self.base_url}/v1/sessions/jwks/{self.project_id}"

    def request(
        self,
        method: str,
        path: str,
        *,
        authorization: str | None = None,
        body: Any = None,
        raw_body: bytes | None = None,
    ) -> Reply:
        data = raw_body if raw_body is not None else None
        if body is not None:
            data = json.dumps(body).encode()
        req = urllib.request.Request(self.base_url + path, data=data, method=method)
        req.add_header("User-Agent", "sessionkit-stytch-conformance")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if authorization is not None:
            req.add_header("Authorization", authorization)
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return Reply(resp.status, resp.headers.get("Content-Type", ""), resp.read())
        except urllib.error.HTTPError as err:
            with err:
                return Reply(err.code, err.headers.get("Content-Type", ""), err.read())

    def sdk_post(self, path: str, secret: str, body: Any = None, **kw: Any) -> Reply:
        """Frontend-SDK call: Basic public_token:secret (the session token, or the public
        token again for sign-in)."""
        auth = kw.pop("authorization", basic(self.public_token, secret))
        return self.request("POST", path, authorization=auth, body=body, **kw)


# --------------------------------------------------------------------------------------------
# The official SDK, wired without its HTTP client


class JwksFromJson(pyjwt.PyJWKClient):
    """A PyJWKClient (what the SDK's Client builds) that serves the JWKS we fetched and
    validated ourselves, so verification uses exactly the keys the endpoint published."""

    def __init__(self, uri: str, jwks: dict[str, Any]) -> None:
        super().__init__(uri, cache_jwk_set=False)
        self._jwks = jwks

    def fetch_data(self) -> Any:
        return self._jwks


def official_sessions(sandbox: Sandbox, jwks: dict[str, Any]) -> tuple[Sessions, str]:
    """`stytch.consumer.api.sessions.Sessions` as `stytch.Client` would build it for this
    project id. Its base URL only feeds the allowed issuers, so we use the one the SDK
    resolves for a real project (https://test.stytch.com/ for project-test-*): a JWT must then
    carry iss = stytch.com/{project_id}, as Stytch's do, not the sandbox's own URL."""
    base_url = ClientBase._resolve_api_url(sandbox.project_id, None, None, True)
    api = Sessions(
        api_base=ApiBase(base_url),
        sync_client=None,  # never used by authenticate_jwt_local
        async_client=None,
        jwks_client=JwksFromJson(sandbox.jwks_url, jwks),
        project_id=sandbox.project_id,
        policy_cache=None,  # only used with authorization_check
    )
    return api, base_url


def validation_lines(error: pydantic.ValidationError) -> list[str]:
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        lines.append(f"{where}: {item['msg']} ({item['type']})")
    return lines


# --------------------------------------------------------------------------------------------
# Shared checks


def unwrap_success(report: Report, label: str, reply: Reply) -> dict[str, Any] | None:
    """A frontend-SDK success is {"data": {...}}; the backend SDK's models describe what is
    inside `data`. Returns that object, or None after reporting why there is none."""
    if not report.check(
        f"{label}: HTTP 200", reply.status == 200, f"got HTTP {reply.status}: {reply.raw[:300]!r}"
    ):
        return None
    report.check(
        f"{label}: Content-Type is JSON",
        reply.content_type.split(";")[0].strip() == "application/json",
        f"got {reply.content_type!r}",
    )
    try:
        body = reply.json()
    except ValueError as err:
        report.check(f"{label}: body is JSON", False, str(err))
        return None
    if not report.check(
        f'{label}: body is the frontend-SDK envelope {{"data": {{...}}}}',
        isinstance(body, dict) and isinstance(body.get("data"), dict),
        f"top-level keys: {sorted(body) if isinstance(body, dict) else type(body).__name__}",
    ):
        return None
    data = body["data"]
    report.check(
        f"{label}: data.status_code matches HTTP status",
        data.get("status_code") == reply.status,
        f"data.status_code = {data.get('status_code')!r}",
    )
    return data


def parse_model(report: Report, label: str, model: type, status: int, data: Any) -> Any:
    """Parses with `Model.from_json`, the entry point every SDK API method uses."""
    name = f"{model.__module__.split('.')[-1]}.{model.__name__}"
    try:
        parsed = model.from_json(status, data)
    except pydantic.ValidationError as err:
        report.check(
            f"{label}: parses as stytch {name}",
            False,
            validation_lines(err),
        )
        return None
    except StytchError as err:
        report.check(f"{label}: parses as stytch {name}", False, f"StytchError: {err}")
        return None
    report.check(f"{label}: parses as stytch {name}", True)
    return parsed


def validate_model(report: Report, label: str, model: type, data: Any) -> Any:
    """Validates an object that is not a whole response (a Session) with `model_validate`,
    as the SDK does for the objects inside a response."""
    name = f"{model.__module__.split('.')[-1]}.{model.__name__}"
    try:
        parsed = model.model_validate(data)
    except pydantic.ValidationError as err:
        report.check(f"{label}: validates as stytch {name}", False, validation_lines(err))
        return None
    report.check(f"{label}: validates as stytch {name}", True)
    return parsed


def parse_session(data: dict[str, Any]) -> sessions_models.Session | None:
    """The Session alone, for later comparisons even when another part of the answer (say the
    user) failed the model; its own failure is already reported by parse_model."""
    try:
        return sessions_models.Session.model_validate(data.get("session"))
    except pydantic.ValidationError:
        return None


def check_error_reply(
    report: Report,
    label: str,
    reply: Reply,
    expected_status: int,
    expected_type: str | None,
) -> None:
    """An error is a flat {status_code, request_id, error_type, error_message, error_url}.
    The SDK turns it into StytchError; if its StytchErrorDetails cannot parse the body it
    falls back to a generic 'unknown error' (and chains the cause), losing error_type."""
    report.check(
        f"{label}: HTTP {expected_status}",
        reply.status == expected_status,
        f"got HTTP {reply.status}: {reply.raw[:300]!r}",
    )
    try:
        body = reply.json()
    except ValueError as err:
        report.check(f"{label}: error body is JSON", False, str(err))
        return
    check_error_body(report, label, reply.status, body, expected_type)


def check_error_body(
    report: Report, label: str, status: int, body: Any, expected_type: str | None
) -> None:
    try:
        # Any response model will do: from_json takes the error path for status >= 400.
        sessions_models.RevokeResponse.from_json(status, body)
    except StytchError as err:
        details = err.details
        parsed = err.__cause__ is None
        report.check(
            f"{label}: error body parses as stytch StytchErrorDetails",
            parsed,
            f"fell back to from_unknown because: {err.__cause__!r}",
        )
        if not parsed:
            return
        report.check(
            f"{label}: status_code in body matches HTTP status",
            details.status_code == status,
            f"body says {details.status_code}",
        )
        report.check(f"{label}: request_id is set", bool(details.request_id))
        if expected_type is not None:
            report.check(
                f"{label}: error_type is {expected_type}",
                details.error_type == expected_type,
                f"got {details.error_type!r}",
            )
        return
    except Exception as err:  # noqa: BLE001 - anything else is the SDK choking on it
        report.check(f"{label}: SDK raises StytchError", False, repr(err))
        return
    report.check(f"{label}: SDK raises StytchError", False, f"no error raised for HTTP {status}")


# --------------------------------------------------------------------------------------------
# JWTs


def check_jwt(
    report: Report,
    label: str,
    sessions_api: Sessions,
    issuer_base_url: str,
    project_id: str,
    session_jwt: str,
    expected: sessions_models.Session | None,
) -> None:
    """Verifies a session JWT exactly as a backend using the SDK would, then checks that it
    maps back to the session the same answer carried."""
    generic = jwt_helpers.authenticate_jwt_local(
        jwks_client=sessions_api.jwks_client,
        project_id=project_id,
        jwt=session_jwt,
        base_url=issuer_base_url,
    )
    if not report.check(
        f"{label}: verifies with stytch jwt_helpers.authenticate_jwt_local",
        generic is not None,
        why_jwt_rejected(sessions_api, project_id, issuer_base_url, session_jwt),
    ):
        return

    # What authenticate_jwt_local will index into; listed separately so that one missing
    # field does not hide the others behind a single KeyError.
    claim = generic.untyped_claims.get(SESSION_CLAIM)
    if not report.check(
        f"{label}: has the {SESSION_CLAIM} claim (an object)",
        isinstance(claim, dict),
        f"top-level claims: {sorted(generic.untyped_claims) + sorted(generic.reserved_claims)}",
    ):
        return
    missing = [field for field in SESSION_CLAIM_FIELDS if field not in claim]
    report.check(
        f"{label}: session claim has every field authenticate_jwt_local reads",
        not missing,
        f"missing inside {SESSION_CLAIM}: {', '.join(missing)}",
    )
    report.check(f"{label}: has sub", "sub" in generic.reserved_claims)

    try:
        local = sessions_api.authenticate_jwt_local(session_jwt=session_jwt)
    except Exception as err:  # noqa: BLE001 - the SDK raising is the finding
        report.check(
            f"{label}: stytch Sessions.authenticate_jwt_local returns a Session",
            False,
            f"raised {type(err).__name__}: {err}",
        )
        return
    if not report.check(
        f"{label}: stytch Sessions.authenticate_jwt_local returns a Session",
        isinstance(local, sessions_models.Session),
        f"returned {local!r}",
    ):
        return
    if expected is None:
        report.note(f"{label}: no parsable session in the same answer to compare the JWT with")
        return
    compare_sessions(report, label, local, expected)


def compare_sessions(
    report: Report,
    label: str,
    from_jwt: sessions_models.Session,
    from_body: sessions_models.Session,
) -> None:
    """The JWT must describe the very session the body describes: same ids, factors, roles,
    custom claims (top-level JWT claims) and times."""
    for field in (
        "session_id",
        "user_id",
        "authentication_factors",
        "roles",
        "started_at",
        "last_accessed_at",
        "expires_at",
        "attributes",
    ):
        jwt_value = getattr(from_jwt, field)
        body_value = getattr(from_body, field)
        report.check(
            f"{label}: JWT {field} matches the session object",
            jwt_value == body_value,
            [f"JWT:  {dump(jwt_value)}", f"body: {dump(body_value)}"],
        )
    # Stytch may send null for "no custom claims"; the SDK maps an absence in the JWT to {}.
    report.check(
        f"{label}: JWT custom claims match session.custom_claims",
        (from_jwt.custom_claims or {}) == (from_body.custom_claims or {}),
        [f"JWT:  {dump(from_jwt.custom_claims)}", f"body: {dump(from_body.custom_claims)}"],
    )


def why_jwt_rejected(sessions_api: Sessions, project_id: str, base_url: str, token: str) -> str:
    """authenticate_jwt_local returns None for every failure; redo its decode (same key
    lookup, same options as stytch/shared/jwt_helpers.py) to say which one."""
    try:
        key = sessions_api.jwks_client.get_signing_key_from_jwt(token)
        pyjwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            options={"require": ["aud", "iss", "exp", "iat", "nbf"]},
            audience=project_id,
            issuer=[f"stytch.com/{project_id}", base_url.rstrip("/")],
        )
    except Exception as err:  # noqa: BLE001
        return f"{type(err).__name__}: {err}"
    return "decodes here; rejected later (max_token_age?)"


def dump(value: Any) -> str:
    if isinstance(value, pydantic.BaseModel):
        value = value.model_dump(mode="json", exclude_none=True)
    elif isinstance(value, list):
        value = [
            v.model_dump(mode="json", exclude_none=True) if isinstance(v, pydantic.BaseModel) else v
            for v in value
        ]
    elif isinstance(value, datetime.datetime):
        value = value.isoformat()
    return json.dumps(value, sort_keys=True, default=str)


# --------------------------------------------------------------------------------------------
# Scenarios: how a session is started and what it must carry.
#
# Every check below runs on each scenario. To cover sessions with custom claims, several
# authentication factors or roles, add a Scenario whose `start` asks the sandbox for such a
# session (once the sandbox can be asked over HTTP) and set the matching `expect_*`, so that
# a sandbox that silently ignores the request fails instead of passing vacuously.


@dataclasses.dataclass
class Scenario:
    name: str
    start: Callable[[Sandbox], Reply]
    expect_factor_types: list[str] | None = None
    expect_roles: list[str] | None = None
    expect_custom_claims: dict[str, Any] | None = None


SIGN_IN_PATH = "/sdk/v1/passwords/authenticate"
AUTHENTICATE_PATH = "/sdk/v1/sessions/authenticate"
REVOKE_PATH = "/sdk/v1/sessions/revoke"
SIGN_IN_MINUTES = 60


def fresh_email() -> str:
    # A new user per run, so reruns against one sandbox never hit another run's password.
    return f"conformance-{uuid.uuid4().hex[:12]}@example.com"


def password_sign_in(sandbox: Sandbox) -> Reply:
    return sandbox.sdk_post(
        SIGN_IN_PATH,
        sandbox.public_token,
        {
            "email": fresh_email(),
            "password": "conformance password 1",
            "session_duration_minutes": SIGN_IN_MINUTES,
        },
    )


def sign_in_asking(
    *,
    custom_claims: dict[str, Any] | None = None,
    roles: list[str] | None = None,
    factors: list[str] | None = None,
) -> Callable[[Sandbox], Reply]:
    """A password sign-in that asks the sandbox for a richer session: Stytch's own
    `session_custom_claims`, and the sandbox's `sandbox_roles` and `sandbox_factors`
    (standing in for RBAC assignments and a multi-factor sign-in)."""

    def start(sandbox: Sandbox) -> Reply:
        body: dict[str, Any] = {
            "email": fresh_email(),
            "password": "conformance password 1",
            "session_duration_minutes": SIGN_IN_MINUTES,
        }
        if custom_claims is not None:
            body["session_custom_claims"] = custom_claims
        if roles is not None:
            body["sandbox_roles"] = roles
        if factors is not None:
            body["sandbox_factors"] = factors
        return sandbox.sdk_post(SIGN_IN_PATH, sandbox.public_token, body)

    return start


CLAIMS = {
    "plan": "pro",
    "seats": 5,
    "ratio": 0.25,
    "beta": True,
    "nothing": None,
    "org": {"id": "org-1", "roles": ["admin", "billing"], "limits": {"api": 1000}},
    "tags": ["a", "b"],
}

SCENARIOS = [
    Scenario(
        "password sign-in",
        password_sign_in,
        expect_factor_types=["password"],
        expect_roles=["stytch_user"],
        expect_custom_claims={},
    ),
    Scenario(
        "custom claims",
        sign_in_asking(custom_claims=CLAIMS),
        expect_custom_claims=CLAIMS,
    ),
    Scenario(
        "several factors",
        sign_in_asking(factors=["email_otp", "sms_otp", "google_oauth", "webauthn", "totp"]),
        expect_factor_types=["password", "otp", "otp", "oauth", "webauthn", "totp"],
    ),
    Scenario(
        "roles",
        sign_in_asking(roles=["admin", "billing"]),
        expect_roles=["stytch_user", "admin", "billing"],
    ),
    Scenario(
        "claims, factors and roles together",
        sign_in_asking(
            custom_claims={"tenant": "acme", "level": 3},
            roles=["editor"],
            factors=["webauthn"],
        ),
        expect_factor_types=["password", "webauthn"],
        expect_roles=["stytch_user", "editor"],
        expect_custom_claims={"tenant": "acme", "level": 3},
    ),
]


# --------------------------------------------------------------------------------------------
# Check groups


@dataclasses.dataclass
class Ctx:
    report: Report
    sandbox: Sandbox
    sessions_api: Sessions
    issuer_base_url: str

    def jwt(self, label: str, token: Any, expected: sessions_models.Session | None) -> None:
        if self.report.check(f"{label}: session_jwt is a string", isinstance(token, str)):
            check_jwt(
                self.report,
                label,
                self.sessions_api,
                self.issuer_base_url,
                self.sandbox.project_id,
                token,
                expected,
            )


def check_jwks(report: Report, sandbox: Sandbox) -> dict[str, Any] | None:
    """GET /v1/sessions/jwks/{project_id}: a backend-API answer (flat, no data envelope),
    parsed by the SDK as GetJWKSResponse; every key must also load as a PyJWK."""
    label = "jwks"
    reply = sandbox.request("GET", f"/v1/sessions/jwks/{sandbox.project_id}")
    if not report.check(f"{label}: HTTP 200", reply.status == 200, f"got HTTP {reply.status}"):
        return None
    try:
        body = reply.json()
    except ValueError as err:
        report.check(f"{label}: body is JSON", False, str(err))
        return None
    parse_model(report, label, sessions_models.GetJWKSResponse, reply.status, body)
    keys = body.get("keys") if isinstance(body, dict) else None
    if not report.check(f"{label}: has keys", isinstance(keys, list) and bool(keys)):
        return None
    for key in keys:
        kid = key.get("kid") if isinstance(key, dict) else None
        try:
            pyjwt.PyJWK(key, algorithm="RS256")
            usable = ""
        except Exception as err:  # noqa: BLE001
            usable = f"{type(err).__name__}: {err}"
        report.check(f"{label}: key {kid} loads as an RS256 PyJWK", not usable, usable)
    return body


def check_sign_in(ctx: Ctx, scenario: Scenario) -> tuple[str, sessions_models.Session] | None:
    """POST /sdk/v1/passwords/authenticate (or the scenario's own start): the answer must
    parse as passwords.AuthenticateResponse and carry a session matching its JWT."""
    report, label = ctx.report, f"sign-in [{scenario.name}]"
    data = unwrap_success(report, label, scenario.start(ctx.sandbox))
    if data is None:
        return None
    parse_model(report, label, passwords_models.AuthenticateResponse, 200, data)
    session = parse_session(data)
    if not report.check(f"{label}: carries a session", session is not None):
        return None
    report.check(
        f"{label}: user_id matches session.user_id",
        data.get("user_id") == session.user_id,
        f"{data.get('user_id')!r} vs {session.user_id!r}",
    )
    if scenario.start is password_sign_in:
        report.check(
            f"{label}: expires_at = started_at + {SIGN_IN_MINUTES} min",
            session.started_at is not None
            and session.expires_at
            == session.started_at + datetime.timedelta(minutes=SIGN_IN_MINUTES),
            f"started_at {session.started_at}, expires_at {session.expires_at}",
        )
    check_expectations(report, label, scenario, session)
    ctx.jwt(f"{label} JWT", data.get("session_jwt"), session)
    token = data.get("session_token")
    if not report.check(f"{label}: session_token is a string", isinstance(token, str)):
        return None
    return token, session


def check_expectations(
    report: Report, label: str, scenario: Scenario, session: sessions_models.Session
) -> None:
    if scenario.expect_factor_types is not None:
        got = [factor.type.value for factor in session.authentication_factors]
        report.check(
            f"{label}: factor types are {scenario.expect_factor_types}",
            sorted(got) == sorted(scenario.expect_factor_types),
            f"got {got}",
        )
    if scenario.expect_roles is not None:
        report.check(
            f"{label}: roles are {scenario.expect_roles}",
            sorted(session.roles) == sorted(scenario.expect_roles),
            f"got {session.roles}",
        )
    if scenario.expect_custom_claims is not None:
        report.check(
            f"{label}: custom claims are {scenario.expect_custom_claims}",
            (session.custom_claims or {}) == scenario.expect_custom_claims,
            f"got {session.custom_claims}",
        )


def check_authenticate(
    ctx: Ctx,
    label: str,
    token: str,
    before: sessions_models.Session,
    minutes: int | None,
) -> sessions_models.Session | None:
    """POST /sdk/v1/sessions/authenticate, with or without session_duration_minutes: parses as
    sessions.AuthenticateResponse, keeps the session and token, extends only when asked."""
    report = ctx.report
    body = {} if minutes is None else {"session_duration_minutes": minutes}
    data = unwrap_success(report, label, ctx.sandbox.sdk_post(AUTHENTICATE_PATH, token, body))
    if data is None:
        return None
    parse_model(report, label, sessions_models.AuthenticateResponse, 200, data)
    session = parse_session(data)
    if not report.check(f"{label}: carries a session", session is not None):
        return None
    report.check(
        f"{label}: same session_id", session.session_id == before.session_id, session.session_id
    )
    report.check(f"{label}: same session_token", data.get("session_token") == token)
    if minutes is None:
        report.check(
            f"{label}: expires_at unchanged without session_duration_minutes",
            session.expires_at == before.expires_at,
            f"{before.expires_at} -> {session.expires_at}",
        )
    else:
        report.check(
            f"{label}: expires_at = last_accessed_at + {minutes} min",
            session.last_accessed_at is not None
            and session.expires_at
            == session.last_accessed_at + datetime.timedelta(minutes=minutes),
            f"last_accessed_at {session.last_accessed_at}, expires_at {session.expires_at}",
        )
    ctx.jwt(f"{label} JWT", data.get("session_jwt"), session)
    return session


def check_revoke(ctx: Ctx, label: str, token: str) -> None:
    """POST /sdk/v1/sessions/revoke: parses as sessions.RevokeResponse; afterwards the token is
    session_not_found for authenticate and for a second revoke."""
    data = unwrap_success(ctx.report, label, ctx.sandbox.sdk_post(REVOKE_PATH, token, {}))
    if data is not None:
        parse_model(ctx.report, label, sessions_models.RevokeResponse, 200, data)
    check_error_reply(
        ctx.report,
        f"{label}: authenticate afterwards",
        ctx.sandbox.sdk_post(AUTHENTICATE_PATH, token, {}),
        404,
        "session_not_found",
    )
    check_error_reply(
        ctx.report,
        f"{label}: revoke again",
        ctx.sandbox.sdk_post(REVOKE_PATH, token, {}),
        404,
        "session_not_found",
    )


def check_session_lifecycle(ctx: Ctx, scenario: Scenario) -> None:
    started = check_sign_in(ctx, scenario)
    if started is None:
        return
    token, session = started
    tag = f"[{scenario.name}]"
    session = check_authenticate(ctx, f"authenticate {tag}", token, session, None) or session
    session = check_authenticate(ctx, f"authenticate 30 min {tag}", token, session, 30) or session
    check_authenticate(ctx, f"authenticate again {tag}", token, session, None)
    check_revoke(ctx, f"revoke {tag}", token)


def check_natural_errors(ctx: Ctx) -> None:
    """Errors the sandbox produces on its own. error_type is only pinned where Stytch's is
    documented (shared/fixtures/stytch); elsewhere only the envelope is checked."""
    sb = ctx.sandbox
    unknown = base64.urlsafe_b64encode(os.urandom(33)).decode()
    email = fresh_email()
    first = password_sign_in_as(sb, email, "right password")
    ctx.report.check("errors setup: sign-in for the wrong-password case", first.status == 200)
    cases: list[tuple[str, Reply, int, str | None]] = [
        (
            "authenticate unknown session token",
            sb.sdk_post(AUTHENTICATE_PATH, unknown, {}),
            404,
            "session_not_found",
        ),
        (
            "authenticate with a wrong public token",
            sb.sdk_post(
                AUTHENTICATE_PATH,
                unknown,
                {},
                authorization=basic("public-token-test-wrong", unknown),
            ),
            401,
            "unauthorized_credentials",
        ),
        (
            "authenticate without Authorization",
            sb.request("POST", AUTHENTICATE_PATH, body={}),
            401,
            "unauthorized_credentials",
        ),
        (
            "authenticate with a malformed body",
            sb.sdk_post(AUTHENTICATE_PATH, unknown, raw_body=b'{"session_duration_minutes": '),
            400,
            None,
        ),
        (
            "authenticate with session_duration_minutes 4",
            sb.sdk_post(AUTHENTICATE_PATH, unknown, {"session_duration_minutes": 4}),
            400,
            "invalid_session_duration",
        ),
        (
            "revoke unknown session token",
            sb.sdk_post(REVOKE_PATH, unknown, {}),
            404,
            "session_not_found",
        ),
        (
            "sign-in with a wrong password",
            password_sign_in_as(sb, email, "wrong password"),
            401,
            None,
        ),
        (
            "sign-in with an invalid email",
            password_sign_in_as(sb, "not-an-email", "x"),
            400,
            None,
        ),
        (
            "sign-in with a wrong public token",
            sb.sdk_post(
                SIGN_IN_PATH,
                "x",
                {"email": email, "password": "right password", "session_duration_minutes": 5},
                authorization=basic("public-token-test-wrong", "public-token-test-wrong"),
            ),
            401,
            "unauthorized_credentials",
        ),
        (
            "jwks for another project",
            sb.request(
                "GET", "/v1/sessions/jwks/project-test-00000000-0000-0000-0000-000000000000"
            ),
            404,
            None,
        ),
    ]
    for label, reply, status, error_type in cases:
        check_error_reply(ctx.report, f"error: {label}", reply, status, error_type)


def password_sign_in_as(sandbox: Sandbox, email: str, password: str) -> Reply:
    return sandbox.sdk_post(
        SIGN_IN_PATH,
        sandbox.public_token,
        {"email": email, "password": password, "session_duration_minutes": 5},
    )


def check_captured_error_bodies(report: Report, paths: list[str]) -> None:
    """Error bodies captured elsewhere (one JSON body per file; the HTTP status is read from
    its status_code). Hook for fault injection: the sandbox binary cannot be asked for a
    fault over HTTP (faults are queued only by the Rust `Sandbox::inject`), so a Rust test
    can write the bodies it gets from `Fault::Status` to files and pass them here. Once the
    sandbox exposes fault injection over HTTP, request those faults in check_natural_errors
    style instead."""
    for path in paths:
        label = f"captured error {os.path.basename(path)}"
        try:
            with open(path, "rb") as handle:
                body = json.load(handle)
        except (OSError, ValueError) as err:
            report.check(f"{label}: readable JSON", False, str(err))
            continue
        status = body.get("status_code") if isinstance(body, dict) else None
        if not report.check(
            f"{label}: status_code is an HTTP error status",
            isinstance(status, int) and status >= 400,
            f"status_code = {status!r}",
        ):
            continue
        check_error_body(report, label, status, body, None)


def check_sessionkit_outputs(report: Report, sandbox: Sandbox, jwks: dict[str, Any], folder: str) -> None:
    """What SessionKit handed out (core/examples/conformance_outputs.rs): every session it
    announced, served from get_sync or stored in its envelope must pass the official Session
    model and equal the session the server sent (M1, M2); and for every JWT, SessionKit's
    check_jwt must read the same session as the official authenticate_jwt_local (J2)."""
    sessions_dir = os.path.join(folder, "sessions")
    for name in sorted(os.listdir(sessions_dir)):
        label = f"SessionKit session {name}"
        with open(os.path.join(sessions_dir, name), "rb") as handle:
            item = json.load(handle)
        parsed = validate_model(report, label, sessions_models.Session, item["session"])
        report.check(
            f"{label}: the same JSON value as the server's session",
            item["session"] == item["expected"],
            [f"SessionKit: {dump(item['session'])}", f"server:     {dump(item['expected'])}"],
        )
        if parsed is not None:
            report.check(f"{label}: session_id kept", parsed.session_id == item["expected"]["session_id"])

    checks_dir = os.path.join(folder, "jwt_checks")
    for name in sorted(os.listdir(checks_dir)):
        label = f"SessionKit check_jwt {name}"
        with open(os.path.join(checks_dir, name), "rb") as handle:
            item = json.load(handle)
        project = Sandbox(sandbox.base_url, sandbox.public_token, item["project_id"])
        api, _ = official_sessions(project, jwks)
        try:
            official = api.authenticate_jwt_local(session_jwt=item["jwt"])
        except Exception as err:  # noqa: BLE001 - the SDK raising is the finding
            report.check(f"{label}: the official SDK reads the JWT", False, f"{type(err).__name__}: {err}")
            continue
        if not report.check(f"{label}: the official SDK reads the JWT", official is not None):
            continue
        ours = item["check"]
        factors = validate_model(
            report,
            f"{label}: check_jwt's session",
            sessions_models.Session,
            {
                "session_id": ours["session_id"],
                "user_id": ours["user_id"],
                "authentication_factors": ours["authentication_factors"],
                "roles": ours["roles"],
                "attributes": ours["attributes"],
                "started_at": ours["started_at"],
                "last_accessed_at": ours["last_accessed_at"],
                "expires_at": ours["expires_at"],
                "custom_claims": ours["custom_claims"],
            },
        )
        if factors is None:
            continue
        for field in (
            "session_id",
            "user_id",
            "roles",
            "authentication_factors",
            "attributes",
            "started_at",
            "last_accessed_at",
            "expires_at",
        ):
            report.check(
                f"{label}: {field} as the official SDK reads it",
                getattr(factors, field) == getattr(official, field),
                [f"SessionKit: {dump(getattr(factors, field))}", f"official:   {dump(getattr(official, field))}"],
            )
        report.check(
            f"{label}: custom claims as the official SDK reads them",
            (factors.custom_claims or {}) == (official.custom_claims or {}),
            [f"SessionKit: {dump(factors.custom_claims)}", f"official:   {dump(official.custom_claims)}"],
        )


def coverage_notes(report: Report, captured: list[str]) -> None:
    """What this run could not reach, so a green run is not read as more than it is."""
    if not captured:
        report.note(
            "not covered: error bodies of injected faults (pass them with --error-body; "
            "scripts/stytch-conformance.sh does)"
        )


# --------------------------------------------------------------------------------------------
# Running


def run(report: Report, sandbox: Sandbox, captured: list[str], outputs: str | None) -> None:
    if STYTCH_VERSION != PINNED_STYTCH_VERSION:
        report.note(f"written against stytch {PINNED_STYTCH_VERSION}, running {STYTCH_VERSION}")
    jwks = check_jwks(report, sandbox)
    if jwks is None:
        report.note("no usable JWKS: JWT checks cannot run")
        jwks = {"keys": []}
    sessions_api, issuer_base_url = official_sessions(sandbox, jwks)
    ctx = Ctx(report, sandbox, sessions_api, issuer_base_url)
    for scenario in SCENARIOS:
        check_session_lifecycle(ctx, scenario)
    check_natural_errors(ctx)
    check_captured_error_bodies(report, captured)
    if outputs:
        check_sessionkit_outputs(report, sandbox, jwks, outputs)
    else:
        report.note("not covered: what SessionKit hands out (see --sessionkit-outputs)")
    coverage_notes(report, captured)


def start_sandbox(binary: str) -> tuple[subprocess.Popen[str], Sandbox]:
    """Runs the sandbox binary on a free port and reads what it prints."""
    proc = subprocess.Popen(
        [binary, "--addr", "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "RUST_LOG": os.environ.get("RUST_LOG", "warn")},
    )
    seen: dict[str, str] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        match = re.match(r"(base url|public token|project id):\s+(\S+)", line)
        if match:
            seen[match.group(1)] = match.group(2)
        if len(seen) == 3:
            break
    if len(seen) != 3:
        proc.kill()
        raise SystemExit(
            f"stytch conformance: {binary} did not print its base url, token and project"
        )
    return proc, Sandbox(seen["base url"], seen["public token"], seen["project id"])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base-url", default=os.environ.get("SANDBOX_BASE_URL"))
    parser.add_argument("--public-token", default=os.environ.get("SANDBOX_PUBLIC_TOKEN"))
    parser.add_argument("--project-id", default=os.environ.get("SANDBOX_PROJECT_ID"))
    parser.add_argument(
        "--sandbox-bin", help="start this sandbox binary on a free port and stop it afterwards"
    )
    parser.add_argument(
        "--error-body",
        action="append",
        default=[],
        metavar="FILE",
        help="also validate this captured error body (repeatable)",
    )
    parser.add_argument(
        "--sessionkit-outputs",
        metavar="DIR",
        help="also check what SessionKit handed out (written by core/examples/conformance_outputs.rs)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print passing checks too")
    args = parser.parse_args()

    proc = None
    if args.sandbox_bin:
        proc, sandbox = start_sandbox(args.sandbox_bin)
    elif args.base_url and args.public_token and args.project_id:
        sandbox = Sandbox(args.base_url, args.public_token, args.project_id)
    else:
        parser.error(
            "give --sandbox-bin, or --base-url, --public-token and --project-id (or SANDBOX_* env)"
        )

    report = Report(args.verbose)
    try:
        run(report, sandbox, args.error_body, args.sessionkit_outputs)
    except Exception as err:  # noqa: BLE001 - a crash is a failure, and still gets a summary
        report.check("suite ran to the end", False, f"{type(err).__name__}: {err}")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
    summary = f"{report.checks} checks, {report.failures} failed (stytch {STYTCH_VERSION})"
    print(f"stytch conformance: {summary}")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
