# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A small Twilio for tests, benchmarks and the sandbox.

Speaks the parts of Twilio's REST API the addon uses (Messages create/fetch,
Lookup v2, one number or a batch query) with Twilio's documented semantics,
sends signed status callbacks and inbound SMS, and takes orders on
``/_sim/``. Shapes follow ``oai/``.

    server = SimulatorServer(simulator=Simulator(auto_progress=False)).start()
    client = tools.twilio_client.get_client(DEFAULT_ACCOUNT_SID,
                                            DEFAULT_AUTH_TOKEN, server.url)
"""

from .core import (
    API_VERSION,
    DEFAULT_ACCOUNT_SID,
    DEFAULT_AUTH_TOKEN,
    FATES,
    FAULT_KINDS,
    Simulator,
)
from .errors import TwilioError
from .server import SimulatorServer, wait_until_up

__all__ = [
    "API_VERSION",
    "DEFAULT_ACCOUNT_SID",
    "DEFAULT_AUTH_TOKEN",
    "FATES",
    "FAULT_KINDS",
    "Simulator",
    "SimulatorServer",
    "TwilioError",
    "wait_until_up",
]
