# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import test_gateway
from . import test_indexes
from . import test_numbers
from . import test_quota_concurrency
from . import test_webhooks
from . import test_inbound_robustness
from . import test_inbound_concurrency
from . import test_security
from . import test_settings
from . import test_composer
from . import test_mailing_list
from . import test_ui
from . import test_journeys
from . import test_core_faults
from . import test_guard_concurrency
from . import test_throughput
