# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import base
from . import sms_recipient_mixin

# The gateway first: other models import its words.
from . import sms_gateway
from . import sms_gateway_words
from . import ir_websocket
from . import mail_message
from . import mail_message_scheduled
from . import mail_notification
from . import mail_thread
from . import mailing_contact
from . import mailing_list
from . import mailing_mailing
from . import mailing_trace
from . import phone_blacklist
from . import phone_blacklist_remove
from . import res_company
from . import res_config_settings
from . import res_partner
from . import sms_log
from . import sms_log_display
from . import sms_dispatch
from . import sms_gateway_transport
from . import sms_gateway_drainers
from . import sms_gateway_sender
from . import sms_guard
from . import sms_consent
from . import sms_inbox
from . import sms_number
from . import sms_sms
from . import sms_thread
from . import sms_tracker
from . import sms_twilio_number
from . import sms_usage
from . import sms_probable_opt_out
from . import sms_ai_draft
