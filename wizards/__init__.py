# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import sms_test_wizard
from . import sms_composer
from . import sms_composer_figures
from . import sms_composer_recipient
from . import sms_composer_result
from . import sms_composer_draft
from . import sms_list_send
from . import sms_list_send_options
from . import mailing_sms_test
