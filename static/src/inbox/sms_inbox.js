// Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { Component, onMounted, onWillStart, onWillUnmount, useRef, useState } from "@odoo/owl";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { debounce } from "@web/core/utils/timing";

const BUS_THREADS = "sms_twilio_gateway/threads";

/**
 * SMS > Conversations: one thread per number, both directions, live.
 *
 * Everything is read and sent through `sms.inbox` (server side), which checks
 * who may see what and sends through the chatter's path: the gateway decides,
 * this only shows its preview and its answers.
 */
export class SmsInbox extends Component {
    static template = "sms_twilio_gateway.Inbox";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.bus = useService("bus_service");
        this.action = useService("action");
        this.state = useState({
            threads: [],
            search: "",
            current: null,
            messages: [],
            threadState: null,
            body: "",
            sending: false,
            figures: null,
            newMode: false,
            peopleTerm: "",
            people: [],
            leftOut: [],
            linkName: "",
            linkResults: [],
        });
        this.messagesRef = useRef("messages");
        this.bodyRef = useRef("body");
        this.refreshPreview = debounce(() => this.loadPreview(), 150);
        this.refreshThreads = debounce(() => this.loadThreads(), 250);
        this.refreshPeople = debounce(() => this.searchPeople(), 200);
        this.refreshLink = debounce(() => this.searchContacts(), 200);
        this.onThreadsMoved = (payload) => this.threadsMoved(payload);
        onWillStart(async () => {
            await this.loadThreads();
            const params = this.props.action?.params || {};
            const threadId =
                params.thread_id ||
                (params.number &&
                    (await this.orm.call("sms.inbox", "find_thread", [params.number])));
            if (threadId) {
                await this.openThread(threadId);
            }
        });
        onMounted(() => this.scrollDown());
        this.bus.subscribe(BUS_THREADS, this.onThreadsMoved);
        onWillUnmount(() => this.bus.unsubscribe(BUS_THREADS, this.onThreadsMoved));
    }

    // Threads ---------------------------------------------------------------

    async loadThreads() {
        this.state.threads = await this.orm.call("sms.inbox", "get_threads", [], {
            search: this.state.search,
        });
    }

    async openThread(threadId) {
        this.state.newMode = false;
        const data = await this.orm.call("sms.inbox", "get_thread", [threadId]);
        this.showThread(data);
        this.state.body = "";
        this.state.figures = null;
        this.loadPreview();
        const listed = this.state.threads.find((t) => t.id === threadId);
        if (listed) {
            listed.unread = 0;
        }
    }

    showThread(data) {
        this.state.current = data.thread;
        this.state.messages = data.messages;
        this.state.threadState = data.state;
        this.scrollDown();
    }

    async threadsMoved({ thread_ids }) {
        await this.loadThreads();
        const current = this.state.current;
        if (current && thread_ids.includes(current.id) && !this.state.sending) {
            // Open, so read: the server marked it read when it was fetched.
            this.showThread(await this.orm.call("sms.inbox", "get_thread", [current.id]));
            const listed = this.state.threads.find((t) => t.id === current.id);
            if (listed) {
                listed.unread = 0;
            }
        }
    }

    scrollDown() {
        // After OWL rendered the new messages.
        requestAnimationFrame(() => {
            const el = this.messagesRef.el;
            if (el) {
                el.scrollTop = el.scrollHeight;
            }
        });
    }

    onSearchInput(ev) {
        this.state.search = ev.target.value;
        this.refreshThreads();
    }

    // Compose ---------------------------------------------------------------

    onBodyInput(ev) {
        this.state.body = ev.target.value;
        this.refreshPreview();
    }

    onBodyKeydown(ev) {
        if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
            ev.preventDefault();
            this.send();
        }
    }

    async loadPreview() {
        const current = this.state.current;
        if (!current || !this.state.threadState?.can_send) {
            return;
        }
        this.state.figures = await this.orm.call("sms.inbox", "preview", [
            current.id,
            this.state.body,
        ]);
    }

    async send() {
        const current = this.state.current;
        const body = this.state.body;
        if (!current || !body.trim() || this.state.sending) {
            return;
        }
        this.state.sending = true;
        // Shown at once; replaced by what the gateway decided.
        this.state.messages.push({
            id: `pending-${Date.now()}`,
            direction: "outbound",
            body,
            date: false,
            status: "queued",
            status_label: _t("Sending…"),
            reason: false,
            media: [],
            author: false,
        });
        this.state.body = "";
        this.scrollDown();
        try {
            const data = await this.orm.call("sms.inbox", "send", [current.id, body]);
            this.showThread(data);
            const others = this.state.threads.filter((t) => t.id !== data.thread.id);
            this.state.threads = [data.thread, ...others];
        } catch (error) {
            this.state.messages = this.state.messages.filter(
                (m) => !String(m.id).startsWith("pending-")
            );
            this.state.body = body;
            throw error;
        } finally {
            this.state.sending = false;
            this.loadPreview();
        }
    }

    // New conversation ------------------------------------------------------

    toggleNew() {
        this.state.newMode = !this.state.newMode;
        this.state.peopleTerm = "";
        this.state.people = [];
        this.state.leftOut = [];
    }

    onPeopleInput(ev) {
        this.state.peopleTerm = ev.target.value;
        this.refreshPeople();
    }

    async searchPeople() {
        const result = await this.orm.call("sms.inbox", "search_people", [
            this.state.peopleTerm,
        ]);
        this.state.people = result.people;
        this.state.leftOut = result.left_out;
    }

    async startWith(person) {
        const threadId = await this.orm.call("sms.inbox", "start", [person.model, person.id]);
        await this.loadThreads();
        await this.openThread(threadId);
    }

    // Unknown numbers -------------------------------------------------------

    onLinkInput(ev) {
        this.state.linkName = ev.target.value;
        this.refreshLink();
    }

    async searchContacts() {
        const term = this.state.linkName.trim();
        this.state.linkResults =
            term.length < 2
                ? []
                : await this.orm.call("res.partner", "name_search", [], {
                      name: term,
                      limit: 8,
                  });
    }

    async createContact() {
        await this.link({ name: this.state.linkName });
    }

    async linkContact(partnerId) {
        await this.link({ partner_id: partnerId });
    }

    async link(values) {
        const data = await this.orm.call(
            "sms.inbox",
            "link_partner",
            [this.state.current.id],
            values
        );
        this.state.linkName = "";
        this.state.linkResults = [];
        this.showThread(data);
        await this.loadThreads();
    }

    openRecord() {
        const [model, id] = this.state.current.record || [];
        if (model && model !== "sms.thread") {
            this.action.doAction({
                type: "ir.actions.act_window",
                res_model: model,
                res_id: id,
                views: [[false, "form"]],
            });
        }
    }

    // Formats ---------------------------------------------------------------

    formatDate(value) {
        return value ? formatDateTime(deserializeDateTime(value), { showSeconds: false }) : "";
    }

    get noticeClass() {
        const kind = this.state.threadState?.notice_kind;
        return kind === "sms_landline" ? "alert-warning" : "alert-danger";
    }
}

registry.category("actions").add("sms_twilio_gateway.inbox", SmsInbox);
