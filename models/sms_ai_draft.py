# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, models
from odoo.exceptions import AccessError, UserError

from ..tools import ai_draft, policy

_logger = logging.getLogger(__name__)


class SmsAiDraft(models.AbstractModel):
    """Drafts of SMS from a short prompt, by the company's AI provider.

    The composer's "Draft" and the inbox call :meth:`_gateway_draft`; the
    draft is only text put where the user types, so it passes the same
    counter and the same gateway as anything typed.
    """

    _name = "sms.ai.draft"
    _description = "SMS drafting assistant"

    @api.model
    def _gateway_available(self, company=None):
        """Whether the company has a provider (URL and model) configured."""
        company_sudo = (company or self.env.company).sudo()
        return bool(company_sudo.sms_ai_url and company_sudo.sms_ai_model)

    @api.model
    def draft_text(self, prompt):
        """The draft for ``prompt`` in the current company (the composer's
        Draft, the inbox): its text, or a UserError saying what to do."""
        if not self.env.user._is_internal():
            raise AccessError(self.env._("Only employees may draft SMS."))
        return self._gateway_draft(prompt)

    @api.model
    def _gateway_draft(self, prompt, company=None):
        """The text of a draft for ``prompt``; UserError saying what to do."""
        company = company or self.env.company
        if not (prompt or "").strip():
            raise UserError(self.env._("Describe the SMS to draft, in a few words."))
        if not self._gateway_available(company):
            raise UserError(
                self.env._(
                    "No AI provider is configured: an administrator sets one in "
                    "Settings."
                )
            )
        company_sudo = company.sudo()
        max_chars = policy.max_characters("GSM-7", company.sms_max_segments or 0)
        try:
            return ai_draft.request_draft(
                company_sudo.sms_ai_url,
                company_sudo.sms_ai_key,
                company_sudo.sms_ai_model,
                prompt.strip(),
                max_chars,
                company_name=company.name,
            )
        except ai_draft.DraftError as error:
            # The kind and status only: prompts are the users' data.
            _logger.warning("SMS draft failed: %s %s", error.kind, error.status or "")
            raise UserError(self._gateway_error_message(error)) from error

    @api.model
    def _gateway_error_message(self, error):
        match error.kind:
            case ai_draft.TIMED_OUT:
                return self.env._(
                    "The AI provider took too long to answer. Try again, or write "
                    "the SMS yourself: your text is kept."
                )
            case ai_draft.REFUSED:
                return self.env._(
                    "The AI provider refused the request (HTTP %(status)s): an "
                    "administrator should check its URL, model and key in "
                    "Settings. Your text is kept.",
                    status=error.status,
                )
            case ai_draft.EMPTY:
                return self.env._(
                    "The AI provider returned no draft. Try another prompt: your "
                    "text is kept."
                )
        return self.env._(
            "The AI provider cannot be reached. Try again later: your text is kept."
        )
