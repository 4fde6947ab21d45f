"""A minimal LTI 1.3 platform (an LMS) for the tests, on 127.0.0.1 in a thread. It signs
launches with its own RSA key and serves, as a real LMS does:

- GET  /jwks                   its public key set;
- GET  /auth                   the OIDC authorisation endpoint: checks the tool's request and
                               answers with a form that posts the signed id_token to the tool;
- POST /token                  the OAuth 2 token endpoint: checks the tool's client assertion
                               (a JWT signed with the tool's key, checked against the tool's key
                               set) and issues an access token for the scopes asked;
- POST /lineitems/<n>/scores   AGS score posting (needs that token), recorded in `scores`;
- GET  /CourseSection/<context>/bindings/memberships?Page=<n>
                               Names and Role Provisioning: the course's roster (`roster`),
                               `page_size` people a page, with a Link rel="next" header to the
                               next page (needs a token for the NRPS scope); `memberships_mode`
                               makes it fail the ways an LMS can ("down", "401", "malformed",
                               "huge", "endless", "elsewhere", "other_course"), and `token_mode`
                               the token endpoint ("401", "malformed", "no_token");
- POST /deep-link-return       checks the tool's signed deep-linking answer, records its items;
- GET  /course/<name>          a course page that frames the tool's login initiation URL; with
                               ?storage=1 it also offers client-side postMessage storage (a
                               `post_message_forwarding` frame, GET /storage), and with
                               ?storage=lying that storage answers every read wrongly;
- GET  /.well-known/openid-configuration and POST /register: LTI Dynamic Registration (the
                               tool's registration is recorded in `registrations`; it gets
                               `client_id` "dynamic-<n>" and deployment "dynamic-deployment")."""

import json
import secrets
import threading
import time
import urllib.request
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]


# The LMS's side of LTI client-side postMessage storage: values kept per tool origin.
STORAGE_PAGE = """<!DOCTYPE html><html lang="en"><head><title>storage</title></head><body><script>
const data = {}; const lying = LYING;
window.addEventListener("message", (event) => {
  const m = event.data || {};
  if (m.subject === "lti.put_data") {
    data[event.origin + " " + m.key] = m.value;
    event.source.postMessage({subject: "lti.put_data.response", message_id: m.message_id, key: m.key, value: m.value}, event.origin);
  } else if (m.subject === "lti.get_data") {
    const value = lying ? "not-what-you-stored" : data[event.origin + " " + m.key];
    event.source.postMessage({subject: "lti.get_data.response", message_id: m.message_id, key: m.key, value}, event.origin);
  }
});
</script></body></html>"""


class MiniLMS:
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "platform-key-1"
        self.client_id = "onguard-tool"
        self.deployment_id = "deployment-1"
        self.tool_login_url = ""
        self.tool_launch_url = ""
        self.tool_jwks: dict | str = {}
        self.scores: list[dict] = []
        self.deep_link_items: list[dict] = []
        self.deep_link_errors: list[str] = []
        self.token_requests: list[dict] = []
        self.tokens: set[str] = set()
        self.token_scopes: dict[str, str] = {}
        self.token_mode = "ok"
        self.roster: list[dict] = []
        self.page_size = 2
        self.memberships_mode = "ok"
        self.memberships_requests: list[str] = []
        self.launches: dict[str, dict] = {}  # login_hint -> what to launch
        self.registrations: list[dict] = []
        self.registration_token = "registration-token-1"
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.issuer = self.url
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    # --- What the tool's admin types into OnGuard -------------------------------------------

    def registration(self, **overrides) -> dict:
        fields = {
            "name": "Test LMS",
            "issuer": self.issuer,
            "client_id": self.client_id,
            "deployment_id": self.deployment_id,
            "auth_url": f"{self.url}/auth",
            "token_url": f"{self.url}/token",
            "keyset_url": f"{self.url}/jwks",
            "frame_origin": self.url,
        }
        fields.update(overrides)
        return fields

    # --- Signing launches ---------------------------------------------------------------------

    def jwks(self) -> dict:
        public = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        public.update(kid=self.kid, alg="RS256", use="sig")
        return {"keys": [public]}

    def id_token(
        self,
        *,
        nonce: str,
        message_type: str = "LtiResourceLinkRequest",
        sub: str = "student-1",
        roles: list[str] | None = None,
        email: str | None = "student@district.example",
        name: str = "Stu Student",
        custom: dict | None = None,
        lineitem: str | None = "/lineitems/1",
        deployment_id: str | None = None,
        aud=None,
        issuer: str | None = None,
        exp_in: int = 300,
        key=None,
        kid: str | None = None,
        extra: dict | None = None,
        memberships: bool = True,
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": issuer or self.issuer,
            "aud": aud if aud is not None else self.client_id,
            "sub": sub,
            "iat": now,
            "exp": now + exp_in,
            "nonce": nonce,
            "name": name,
            CLAIM + "message_type": message_type,
            CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": deployment_id or self.deployment_id,
            CLAIM + "roles": roles if roles is not None else [LEARNER],
            CLAIM + "context": {"id": "course-1", "title": "Staff safeguarding 2026"},
        }
        if email:
            claims["email"] = email
        if memberships:
            claims[NRPS_CLAIM] = {
                "context_memberships_url": self.memberships_url(),
                "service_versions": ["2.0"],
            }
        if message_type == "LtiResourceLinkRequest":
            claims[CLAIM + "target_link_uri"] = self.tool_launch_url
            claims[CLAIM + "resource_link"] = {"id": "link-1", "title": "OnGuard"}
            claims[CLAIM + "custom"] = custom if custom is not None else {"module": "first-steps"}
            if lineitem:
                claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = {
                    "scope": AGS_SCOPES,
                    "lineitems": f"{self.url}/lineitems",
                    "lineitem": f"{self.url}{lineitem}",
                }
        else:
            claims[CLAIM + "target_link_uri"] = self.tool_launch_url
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": f"{self.url}/deep-link-return",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "accept_multiple": True,
                "data": "platform-opaque-data",
            }
        claims.update(extra or {})
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid})

    def memberships_url(self, context: str = "course-1") -> str:
        # Capitals in the path, as Moodle's: a next-page link must be followed as sent.
        return f"{self.url}/CourseSection/{context}/bindings/memberships"

    def login_params(self, login_hint: str = "student-1", message_hint: str = "resource") -> dict:
        return {
            "iss": self.issuer,
            "login_hint": login_hint,
            "target_link_uri": self.tool_launch_url,
            "lti_message_hint": message_hint,
            "client_id": self.client_id,
            "lti_deployment_id": self.deployment_id,
        }

    # --- Checking what the tool sends -----------------------------------------------------------

    def tool_keys(self) -> dict:
        if isinstance(self.tool_jwks, str):
            with urllib.request.urlopen(self.tool_jwks, timeout=10) as response:  # noqa: S310 - 127.0.0.1
                return json.load(response)
        return self.tool_jwks

    def verify_tool_jwt(self, token: str, audience: str) -> dict:
        header = jwt.get_unverified_header(token)
        for key in self.tool_keys()["keys"]:
            if key.get("kid") == header.get("kid"):
                public = RSAAlgorithm.from_jwk(json.dumps(key))
                return jwt.decode(token, public, algorithms=["RS256"], audience=audience)
        raise jwt.InvalidTokenError(f"no tool key {header.get('kid')}")


def _handler(platform: MiniLMS):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _send(self, status: int, body: str, content_type: str = "text/html; charset=utf-8"):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _form(self) -> dict:
            length = int(self.headers.get("Content-Length", 0))
            return {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}

        def do_GET(self):
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path == "/jwks":
                return self._send(200, json.dumps(platform.jwks()), "application/json")
            if parts.path == "/auth":
                return self._auth(query)
            if parts.path == "/.well-known/openid-configuration":
                config = {
                    "issuer": platform.issuer,
                    "authorization_endpoint": f"{platform.url}/auth",
                    "token_endpoint": f"{platform.url}/token",
                    "jwks_uri": f"{platform.url}/jwks",
                    "registration_endpoint": f"{platform.url}/register",
                    "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                        "product_family_code": "MiniLMS",
                        "version": "1.0",
                    },
                }
                return self._send(200, json.dumps(config), "application/json")
            if parts.path.startswith("/course/"):
                hint = parts.path.rsplit("/", 1)[1]
                params = platform.login_params(login_hint=hint, message_hint=hint)
                storage = ""
                if query.get("storage"):
                    params["lti_storage_target"] = "post_message_forwarding"
                    storage = (
                        f'<iframe name="post_message_forwarding" title="storage" hidden '
                        f'src="/storage?lying={1 if query["storage"] == "lying" else 0}"></iframe>'
                    )
                src = f"{platform.tool_login_url}?{urlencode(params)}"
                return self._send(
                    200,
                    f'<!DOCTYPE html><html lang="en"><head><title>Test LMS course</title></head><body>'
                    f"<h1>Test LMS course</h1>{storage}"
                    f'<iframe title="OnGuard" src="{escape(src)}" width="900" height="700"></iframe></body></html>',
                )
            if parts.path.startswith("/CourseSection/"):
                return self._memberships(parts.path, query)
            if parts.path == "/storage":
                lying = "true" if query.get("lying") == "1" else "false"
                return self._send(200, STORAGE_PAGE.replace("LYING", lying))
            return self._send(404, "not found")

        def _memberships(self, path: str, query: dict):
            platform.memberships_requests.append(self.path)
            mode = platform.memberships_mode
            bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if NRPS_SCOPE not in platform.token_scopes.get(bearer, "").split() or mode == "401":
                return self._send(401, '{"error": "unauthorized"}', "application/json")
            accept = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
            if self.headers.get("Accept") != accept:
                return self._send(406, "not acceptable")
            if mode == "down":
                return self._send(503, "down for maintenance")
            if mode == "malformed":
                return self._send(200, "<html>not json</html>", accept)
            if mode == "huge":
                return self._send(200, json.dumps({"members": [], "padding": "x" * 100_000}), accept)
            page = int(query.get("Page", "1"))
            size = platform.page_size
            members = platform.roster[(page - 1) * size : page * size]
            context = path.split("/")[2]
            body = {
                "id": platform.url + self.path,
                "context": {
                    "id": "another-course" if mode == "other_course" else context,
                    "title": "Staff safeguarding 2026",
                },
                "members": members,
            }
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", accept)
            self.send_header("Content-Length", str(len(data)))
            if page * size < len(platform.roster) or mode == "endless":
                base = "http://elsewhere.invalid" if mode == "elsewhere" else platform.url
                self.send_header("Link", f'<{base}{path}?Page={page + 1}>; rel="next"')
            self.end_headers()
            self.wfile.write(data)

        def _auth(self, query: dict):
            problems = []
            if query.get("client_id") != platform.client_id:
                problems.append("client_id")
            if query.get("redirect_uri") != platform.tool_launch_url:
                problems.append("redirect_uri")
            if query.get("response_type") != "id_token" or query.get("scope") != "openid":
                problems.append("response_type/scope")
            spec = platform.launches.get(query.get("lti_message_hint", ""))
            if problems or spec is None or not query.get("nonce") or not query.get("state"):
                return self._send(400, f"bad authentication request: {problems}")
            token = platform.id_token(nonce=query["nonce"], **spec)
            return self._send(
                200,
                f'<!DOCTYPE html><html lang="en"><head><title>Launching</title></head><body>'
                f'<form id="f" method="post" action="{escape(query["redirect_uri"])}">'
                f'<input type="hidden" name="id_token" value="{token}">'
                f'<input type="hidden" name="state" value="{escape(query["state"])}"></form>'
                f"<script>document.getElementById('f').submit()</script></body></html>",
            )

        def do_POST(self):
            path = urlsplit(self.path).path
            if path == "/token":
                form = self._form()
                platform.token_requests.append(form)
                try:
                    claims = platform.verify_tool_jwt(
                        form.get("client_assertion", ""), audience=f"{platform.url}/token"
                    )
                except jwt.PyJWTError as exc:
                    return self._send(
                        401, json.dumps({"error": "invalid_client", "detail": str(exc)}), "application/json"
                    )
                if form.get("grant_type") != "client_credentials" or form.get("client_assertion_type") != (
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
                ):
                    return self._send(
                        400, json.dumps({"error": "unsupported_grant_type"}), "application/json"
                    )
                if claims.get("iss") != platform.client_id or claims.get("sub") != platform.client_id:
                    return self._send(401, json.dumps({"error": "invalid_client"}), "application/json")
                if platform.token_mode == "401":
                    return self._send(401, json.dumps({"error": "invalid_client"}), "application/json")
                if platform.token_mode == "malformed":
                    return self._send(200, "access granted", "text/plain")
                if platform.token_mode == "no_token":
                    return self._send(200, json.dumps({"token_type": "bearer"}), "application/json")
                token = secrets.token_urlsafe(16)
                platform.tokens.add(token)
                platform.token_scopes[token] = form.get("scope", "")
                body = {
                    "access_token": token,
                    "token_type": "bearer",
                    "expires_in": 3600,
                    "scope": form.get("scope", ""),
                }
                return self._send(200, json.dumps(body), "application/json")
            if path.startswith("/lineitems/") and path.endswith("/scores"):
                bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if bearer not in platform.tokens:
                    return self._send(401, "{}", "application/json")
                length = int(self.headers.get("Content-Length", 0))
                score = json.loads(self.rfile.read(length))
                score["lineitem"] = path.removesuffix("/scores")
                score["content_type"] = self.headers.get("Content-Type")
                platform.scores.append(score)
                return self._send(200, "{}", "application/json")
            if path == "/register":
                if self.headers.get("Authorization") != f"Bearer {platform.registration_token}":
                    return self._send(401, "{}", "application/json")
                length = int(self.headers.get("Content-Length", 0))
                registration = json.loads(self.rfile.read(length))
                platform.registrations.append(registration)
                client_id = f"dynamic-{len(platform.registrations)}"
                answer = {
                    **registration,
                    "client_id": client_id,
                    "https://purl.imsglobal.org/spec/lti-tool-configuration": {
                        **registration.get("https://purl.imsglobal.org/spec/lti-tool-configuration", {}),
                        "deployment_id": "dynamic-deployment",
                    },
                }
                return self._send(200, json.dumps(answer), "application/json")
            if path == "/deep-link-return":
                form = self._form()
                try:
                    claims = platform.verify_tool_jwt(form.get("JWT", ""), audience=platform.issuer)
                except jwt.PyJWTError as exc:
                    platform.deep_link_errors.append(str(exc))
                    return self._send(400, f"bad deep linking answer: {escape(str(exc))}")
                items = claims.get("https://purl.imsglobal.org/spec/lti-dl/claim/content_items", [])
                platform.deep_link_items.extend(items)
                titles = "".join(f"<li>{escape(i.get('title', ''))}</li>" for i in items)
                return self._send(
                    200,
                    f'<!DOCTYPE html><html lang="en"><head><title>Saved</title></head><body><h1>Added to the course</h1><ul>{titles}</ul></body></html>',
                )
            return self._send(404, "not found")

    return Handler
