# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import models
from odoo.tools import plaintext2html


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _gateway_post_inbound(self, body, media, author, notify_user, number=None):
        """Post an incoming SMS in this record's chatter.

        Logged, not posted: posting an ``sms`` message would text the record's
        contacts their own reply back. The user who texted last is notified in
        their Odoo inbox.
        """
        self.ensure_one()
        html = plaintext2html(body or "")
        if media:
            links = Markup("<br/>").join(
                Markup('<a href="%s" target="_blank" rel="noopener">%s</a>')
                % (url, content_type or url)
                for url, content_type in media
            )
            html = Markup("%s<p>%s</p>") % (html, links)
        message = self._message_log(
            body=html,
            author_id=author.id,
            # A number nobody holds: the number is who wrote.
            email_from=None if author else number,
            message_type="sms",
        )
        # "Reply" on it opens the SMS composer to this number.
        message.sms_gateway_number = number
        if notify_user and notify_user.partner_id != author:
            self._notify_thread_by_inbox(
                message,
                [
                    {
                        "id": notify_user.partner_id.id,
                        "uid": notify_user.id,
                        "notif": "inbox",
                    }
                ],
            )
        return message
