# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Failure types the gateway adds to SMS, notifications and traces."""

GATEWAY_FAILURE_TYPES = [
    ("sms_dnc", "Do Not Contact"),
    ("sms_blocked", "Number Blocked"),
    ("sms_landline", "Landline"),
    ("sms_too_long", "Message Too Long"),
    ("sms_rate_limit", "Rate Limit"),
    ("sms_quota", "Quota Exceeded"),
    ("sms_review", "Fate Unknown (Review)"),
    ("sms_country", "Destination Country Not Allowed"),
    ("sms_daily_cap", "Daily Cap Reached"),
]
# Delivery failure keys Odoo knows on notifications and traces; Twilio may
# answer them at send time too.
DELIVERY_FAILURE_TYPES = [
    ("sms_expired", "Expired"),
    ("sms_invalid_destination", "Invalid Destination"),
    ("sms_not_allowed", "Not Allowed"),
    ("sms_not_delivered", "Not Delivered"),
    ("sms_rejected", "Rejected"),
]
# mail.notification lacks the keys Odoo only sets on sms.sms in mass mode.
NOTIFICATION_FAILURE_TYPES = GATEWAY_FAILURE_TYPES + [
    ("sms_blacklist", "Blacklisted"),
    ("sms_duplicate", "Duplicate"),
]
