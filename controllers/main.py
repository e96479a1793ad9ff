# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Twilio webhooks: thin. Verify the signature, then hand to one model method."""

import logging

from werkzeug.wrappers import Response

from odoo.addons.sms_twilio.controllers.controllers import SmsTwilioController
from odoo.http import request, route

from ..tools import inbound
from ..tools.twilio_client import get_request_validator

_logger = logging.getLogger(__name__)


def _signature_ok(token):
    """Twilio signed this request with this auth token (the company's).

    The URL is the public one Twilio called: with Odoo's proxy mode the
    X-Forwarded-* headers are applied before we see it.
    """
    signature = request.httprequest.headers.get("X-Twilio-Signature")
    if not token or not signature:
        return False
    return get_request_validator(token).validate(
        request.httprequest.url, request.httprequest.form.to_dict(), signature
    )


def _forbidden():
    return Response("Forbidden", status=403, content_type="text/plain")


def _warn(message):
    # Fixed text and the peer address only: the form is the sender's data
    # (phone numbers, texts) or, unsigned, an attacker's.
    _logger.warning("%s (remote %s)", message, request.httprequest.remote_addr)


class SmsTwilioGatewayController(SmsTwilioController):
    @route(save_session=False)
    def update_sms_status(
        self, uuid, SmsStatus=None, ErrorCode=None, ErrorMessage=None, **kwargs
    ):
        callbacks = request.env["sms.status.callback"].sudo()
        callback = callbacks._lookup(uuid)
        if not callback.log:
            # Not sent through the gateway: Odoo's own handling, which needs a
            # token to check the signature with (it would crash without one).
            company = (
                request.env["sms.sms"]
                .sudo()
                .search([("uuid", "=", uuid)], limit=1)
                ._get_sms_company()
            )
            if not company.sudo().sms_twilio_auth_token:
                raise request.not_found()
            return super().update_sms_status(
                uuid,
                SmsStatus=SmsStatus,
                ErrorCode=ErrorCode,
                ErrorMessage=ErrorMessage,
                **kwargs,
            )
        # The token of the company that sent it, even across Twilio accounts.
        if not _signature_ok(callback.token):
            _warn("SMS status callback: bad or missing signature")
            return _forbidden()
        callbacks._apply(
            callback,
            SmsStatus,
            error_code=ErrorCode,
            error_message=ErrorMessage,
            message_sid=kwargs.get("MessageSid") or kwargs.get("SmsSid"),
        )
        return "OK"

    @route(
        "/sms_twilio_gateway/inbound",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def inbound(self, **params):
        form = request.httprequest.form
        company = (
            request.env["res.company"]
            .sudo()
            ._gateway_company_for_inbound(form.get("AccountSid"), form.get("To"))
        )
        if not company or not _signature_ok(company.sudo().sms_twilio_auth_token):
            _warn("SMS inbound: bad or missing signature")
            return _forbidden()
        message = inbound.parse(form)
        if not message.sid:
            # Twilio always sends one; without it a retry cannot be told from
            # a new message. Refused (nothing written) rather than stored
            # twice or merged with a genuinely repeated text.
            _warn("SMS inbound without a message SID: refused")
            return Response("Missing MessageSid", status=400, content_type="text/plain")
        twiml = (
            request.env["sms.inbound"]
            .sudo()
            ._receive(
                company,
                message_sid=message.sid,
                from_number=message.sender,
                to_number=message.to,
                body=message.body,
                media=list(message.media),
                opt_out_type=message.opt_out_type,
            )
        )
        return Response(twiml, status=200, content_type="text/xml")
