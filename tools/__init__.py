# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure-Python helpers of the addon: no ORM, no database, importable on their own.

Everything here is tested by ``tools/tests`` with pytest, without Odoo.
Modules here only import each other relatively, never ``odoo``.
"""
