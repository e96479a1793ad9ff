# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Draft an SMS with an OpenAI-compatible chat-completions endpoint.

One request helper, no ORM: the URL, model and key come from the company's
settings (see ``sms.ai.draft``). Any server speaking the chat-completions
shape works (OpenAI, Azure-style gateways, a local model server). Errors are
raised as :class:`DraftError` with a ``kind`` the Odoo layer words for the
user; the prompt and the draft are never logged.
"""

import requests

TIMEOUT = 20  # seconds: a draft is worth a short wait, never a hung request
_PATH = "/chat/completions"

UNREACHABLE = "unreachable"  # connection refused, DNS, TLS
TIMED_OUT = "timeout"
REFUSED = "refused"  # an HTTP error: bad key, unknown model, quota
EMPTY = "empty"  # an answer without any text


class DraftError(Exception):
    def __init__(self, kind, status=None):
        super().__init__(kind, status)
        self.kind = kind
        self.status = status


def endpoint(url: str) -> str:
    """The chat-completions URL of a base URL ("https://host/v1") or of the
    full one."""
    url = (url or "").strip().rstrip("/")
    return url if url.endswith(_PATH) else url + _PATH


def payload(model: str, prompt: str, max_chars: int, company_name: str = "") -> dict:
    """The request body: a system message with the SMS rules, the prompt."""
    sender = f" for {company_name}" if company_name else ""
    system = (
        f"You write one SMS{sender}. Answer with the text of the SMS only: "
        f"plain text, no quotes, no markdown, no emoji, at most {max_chars} "
        "characters. Write in the language of the request."
    )
    return {
        "model": model,
        "messages": [
            {"role": "system", "content": system},
            {"role": "user", "content": prompt},
        ],
        "temperature": 0.7,
    }


def parse(data) -> str:
    """The draft in a chat-completions answer, stripped of wrapping quotes."""
    try:
        text = data["choices"][0]["message"]["content"] or ""
    except (KeyError, IndexError, TypeError) as error:
        raise DraftError(EMPTY) from error
    text = text.strip()
    if len(text) > 1 and text[0] == text[-1] and text[0] in "\"'“”":
        text = text[1:-1].strip()
    if not text:
        raise DraftError(EMPTY)
    return text


def request_draft(url, key, model, prompt, max_chars, company_name="", timeout=TIMEOUT):
    """Ask the endpoint for a draft; return its text or raise DraftError."""
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    try:
        response = requests.post(
            endpoint(url),
            json=payload(model, prompt, max_chars, company_name),
            headers=headers,
            timeout=timeout,
        )
    except requests.Timeout as error:
        raise DraftError(TIMED_OUT) from error
    except requests.RequestException as error:
        raise DraftError(UNREACHABLE) from error
    if not response.ok:
        raise DraftError(REFUSED, response.status_code)
    try:
        data = response.json()
    except ValueError as error:
        raise DraftError(EMPTY) from error
    return parse(data)
