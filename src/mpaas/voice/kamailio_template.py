"""The text of kamailio.cfg, with @PLACEHOLDERS@ that voice/kamailio.py `render` fills from settings (its docstring and
docs/voice.md say what the configuration does). Kept apart from the rendering code: it is Kamailio's language, not
Python, and most of the length."""

# bench/voice.py's baseline: every INVITE relayed to one target by a static rule (KamailioParams.static_target).
STATIC_ROUTE = r"""
route[STATIC] {
    $ru = "sip:" + $rU + "@@STATIC@";
    if (!t_relay()) {
        sl_reply_error();
    }
    exit;
}
"""

TEMPLATE = r"""#!KAMAILIO
# Rendered by mpaas (src/mpaas/voice/kamailio.py) from its settings; edits are overwritten at each start.
# mpaas decides every call (POST /sip/v1/route); Kamailio relays it and reports progress (POST /sip/v1/events).

debug=2
# Room for a batch of call events in a function's argument (the default 8 KB held about 70 of them: a fuller
# batch could never be sent). A batch is closed at @BATCH_BYTES@ bytes, well inside it.
pv_buffer_size=@PV_BUFFER@
log_stderror=yes
log_prefix="{$mt $ci} "
children=@CHILDREN@
async_workers=@ASYNC_WORKERS@
listen=@LISTEN@
disable_tcp=@DISABLE_TCP@
@TLS@
auto_aliases=no
dns=no
rev_dns=no
use_dns_cache=no
server_header="Server: mpaas-sip"
user_agent_header="User-Agent: mpaas-sip"

loadmodule "ctl.so"
loadmodule "tm.so"
loadmodule "tmx.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "dialog.so"
loadmodule "uac.so"
loadmodule "rtjson.so"
loadmodule "jansson.so"
loadmodule "http_client.so"
loadmodule "mqueue.so"
loadmodule "rtimer.so"
loadmodule "async.so"
loadmodule "db_flatstore.so"
loadmodule "acc.so"

modparam("ctl", "binrpc", "unix:@CTL@")
modparam("tm", "fr_timer", 5000)
modparam("tm", "fr_inv_timer", 60000)
modparam("rr", "append_fromtag", 1)
modparam("dialog", "default_timeout", 43200)
modparam("http_client", "query_result", 0)
modparam("http_client", "keep_connections", 1)
modparam("http_client", "connection_timeout", @HTTP_TIMEOUT@)
modparam("http_client", "httpcon", "mpaas=>@HTTPCON@")
@EVENTS_HTTPCON@# Every event is also appended to <data dir>/kamailio-spool/events_<pid>.log (one write, no fsync) before it is
# queued: a Kamailio that dies loses its queue, not the events; the supervisor sends them again (voice/supervisor.py).
modparam("acc", "db_url", "flatstore:@SPOOL@")
modparam("acc", "db_extra", "e=$var(spool)")
modparam("mqueue", "mqueue", "name=events;size=@QUEUE_SIZE@")
modparam("rtimer", "timer", "name=events;interval=@INTERVAL@u;mode=1;")
modparam("rtimer", "exec", "timer=events;route=SEND_EVENTS")

request_route {
    if (!mf_process_maxfwd_header("10")) {
        sl_send_reply("483", "Too Many Hops");
        exit;
    }
    if (has_totag()) {
        route(WITHINDLG);
        exit;
    }
    if (is_method("CANCEL")) {
        if (t_check_trans()) {
            t_relay();
        }
        exit;
    }
    if (is_method("ACK")) {
        if (t_check_trans()) {
            t_relay();
        }
        exit;
    }
    if (is_method("OPTIONS") && $rU == $null) {
        sl_send_reply("200", "OK");
        exit;
    }
    if (!is_method("INVITE")) {
        sl_send_reply("405", "Method Not Allowed");
        exit;
    }
    # A Route set preloaded on an initial request (a carrier using us as its outbound proxy) is dropped: where the
    # call goes is mpaas's decision alone.
    remove_hf("Route");
    # Before t_newtran(): the transaction's copy of the INVITE (failover branches) must carry it too.
    record_route();
    # Retransmissions of an INVITE whose decision is under way are absorbed by its transaction.
    if (!t_newtran()) {
        sl_reply_error();
        exit;
    }
    t_reply("100", "Trying");
    # The route query blocks for mpaas's answer: it runs in an async worker with the transaction suspended, so
    # the SIP workers stay free for the replies and in-dialog requests of calls under way (a trunk's 200 that
    # waited behind route queries made tm retransmit the INVITE, and calls failed).
    # Tracked from here (in this process: the dialog module binds the dialog to the transaction before it is
    # suspended); a call that is rejected or fails never becomes a confirmed dialog and reports no `ended`.
    dlg_manage();
    if (!async_task_route("DECIDE")) {
        t_reply("500", "Server Error");
    }
    exit;
}

# Ask mpaas where this call goes.
route[DECIDE] {
    $var(req) = "{}";
    jansson_set("string", "CallId", "$ci", "$var(req)");
    jansson_set("string", "From", "$(fU{s.trim})", "$var(req)");
    jansson_set("string", "To", "$(rU{s.trim})", "$var(req)");
    jansson_set("string", "SourceIp", "$si", "$var(req)");
    jansson_set("integer", "SourcePort", "$sp", "$var(req)");
    jansson_set("string", "Transport", "$pr", "$var(req)");
    $var(answer) = "";
    $var(rc) = http_connect("mpaas", "@ROUTE_PATH@", "@CTYPE@", "$var(req)", "$var(answer)");
    if ($var(rc) < 100) {
        xlog("L_ERR", "mpaas did not answer the route query ($var(rc)): 503\n");
        $var(code) = 503;
        $var(reason) = "Service Unavailable";
        route(UNROUTED);
        exit;
    }
    if ($var(rc) != 200) {
        xlog("L_ERR", "mpaas answered the route query with HTTP $var(rc): 500\n");
        $var(code) = 500;
        $var(reason) = "Routing Error";
        route(UNROUTED);
        exit;
    }
    $avp(crid) = "";
    jansson_get("call.CallRecordId", "$var(answer)", "$avp(crid)");
    $var(code) = 0;
    jansson_get("reject.code", "$var(answer)", "$var(code)");
    if ($var(code) != 0) {
        # No event: mpaas decided the rejection and recorded it then.
        $var(reason) = "Rejected";
        jansson_get("reject.reason", "$var(answer)", "$var(reason)");
        route(REJECT);
        exit;
    }
    # A hunt (a workgroup's members one after another): a member who is busy or declines passes the call on to
    # the next member, not only a failing one.
    $avp(hunt) = 0;
    jansson_get("call.Hunt", "$var(answer)", "$avp(hunt)");
    $avp(from) = $fU;
    $avp(to) = $rU;
    if (!rtjson_init_routes("$var(answer)") || !rtjson_push_routes()) {
        xlog("L_ERR", "mpaas answered neither routes nor a rejection: 500\n");
        t_reply("500", "Routing Error");
        exit;
    }
    $dlg_var(crid) = $avp(crid);
    $dlg_var(from) = $avp(from);
    $dlg_var(to) = $avp(to);
    t_on_branch("BRANCH");
    t_on_reply("REPLY");
    t_on_failure("FAILOVER");
    if (!t_relay()) {
        sl_reply_error();
    }
    exit;
}

# The reply to a call that goes nowhere: $var(code) $var(reason), with an RFC 3326 Reason header saying the same.
route[REJECT] {
    append_to_reply("Reason: SIP;cause=$var(code);text=\"$var(reason)\"\r\n");
    t_reply("$var(code)", "$var(reason)");
}

# mpaas could not decide (down, restarting, broken): the caller is told to try again later, and the call is
# reported to mpaas as failed, marked unrouted, so that it gets its record when mpaas is back (the events process
# keeps it until then).
route[UNROUTED] {
    append_to_reply("Retry-After: @RETRY_AFTER@\r\n");
    route(REJECT);
    $avp(crid) = "";
    $var(ev) = "failed";
    $var(evcode) = $var(code);
    $var(evreason) = $var(reason);
    $var(evbranch) = "";
    $var(evfrom) = $(fU{s.trim});
    $var(evto) = $(rU{s.trim});
    $var(unrouted) = 1;
    route(EVENT);
}

route[WITHINDLG] {
    if (!loose_route()) {
        if (is_method("ACK") && t_check_trans()) {
            t_relay();
            exit;
        }
        if (is_method("ACK")) {
            exit;
        }
        sl_send_reply("404", "Not Here");
        exit;
    }
    if (is_method("INVITE") && has_body("application/sdp")) {
        # A re-INVITE putting the call on hold (sendonly/inactive), or taking it off hold.
        if (search_body("a=(sendonly|inactive)")) {
            if ($dlg_var(hold) != "1") {
                $dlg_var(hold) = "1";
                $var(ev) = "hold";
                route(DLG_EVENT);
            }
        } else if ($dlg_var(hold) == "1") {
            $dlg_var(hold) = "0";
            $var(ev) = "resume";
            route(DLG_EVENT);
        }
    }
    if (!t_relay()) {
        sl_reply_error();
    }
    exit;
}

route[DLG_EVENT] {
    $avp(crid) = $dlg_var(crid);
    $var(evcode) = 0;
    $var(evreason) = "";
    $var(evbranch) = "";
    $var(evfrom) = $dlg_var(from);
    $var(evto) = $dlg_var(to);
    route(EVENT);
}

branch_route[BRANCH] {
    rtjson_update_branch();
    $avp(branch) = $ru;
}

onreply_route[REPLY] {
    if (!is_method("INVITE")) {
        return;
    }
    if (status =~ "^18[03]$" || status =~ "^2[0-9][0-9]$") {
        if (status =~ "^2") {
            $var(ev) = "answered";
        } else {
            $var(ev) = "ringing";
        }
        $var(evcode) = $rs;
        $var(evreason) = $rr;
        $var(evbranch) = $T_branch(uri);
        $var(evfrom) = $avp(from);
        $var(evto) = $avp(to);
        route(EVENT);
    }
}

failure_route[FAILOVER] {
    if (t_is_canceled()) {
        route(FAILED);
        exit;
    }
    if (t_check_status("5[0-9][0-9]|408") || t_branch_timeout()
            || ($avp(hunt) == 1 && t_check_status("4[0-9][0-9]|6[0-9][0-9]"))) {
        if (rtjson_next_route()) {
            t_on_branch("BRANCH");
            t_on_reply("REPLY");
            t_on_failure("FAILOVER");
            t_relay();
            exit;
        }
    }
    route(FAILED);
}

route[FAILED] {
    $var(ev) = "failed";
    $var(evcode) = $T_reply_code;
    $var(evreason) = $T_reply_reason;
    $var(evbranch) = $avp(branch);
    $var(evfrom) = $avp(from);
    $var(evto) = $avp(to);
    route(EVENT);
}

event_route[dialog:end] {
    $avp(crid) = $dlg_var(crid);
    $var(ev) = "ended";
    $var(evcode) = 0;
    $var(evreason) = "BYE";
    $var(evbranch) = "";
    $var(evfrom) = $dlg_var(from);
    $var(evto) = $dlg_var(to);
    route(EVENT);
}

# Queue one event (no I/O here: the events process sends it).
route[EVENT] {
    $var(tv) = $TV(Fn);
    $var(e) = "{}";
    jansson_set("string", "Event", "$var(ev)", "$var(e)");
    jansson_set("string", "CallId", "$ci", "$var(e)");
    if ($avp(crid) != $null && $avp(crid) != "") {
        jansson_set("string", "CallRecordId", "$avp(crid)", "$var(e)");
    }
    if ($var(evcode) != 0) {
        jansson_set("integer", "Code", "$var(evcode)", "$var(e)");
    }
    if ($var(evreason) != $null && $var(evreason) != "") {
        jansson_set("string", "Reason", "$var(evreason)", "$var(e)");
    }
    jansson_set("string", "Timestamp", "$(var(tv){s.substr,0,10})T$(var(tv){s.substr,11,12})Z", "$var(e)");
    if ($var(evbranch) != $null && $var(evbranch) != "") {
        jansson_set("string", "Branch", "$var(evbranch)", "$var(e)");
    }
    if ($var(evfrom) != $null) {
        jansson_set("string", "From", "$var(evfrom)", "$var(e)");
    }
    if ($var(evto) != $null) {
        jansson_set("string", "To", "$var(evto)", "$var(e)");
    }
    if ($var(unrouted) == 1) {
        jansson_set("true", "Unrouted", "", "$var(e)");
        $var(unrouted) = 0;
    }
    $var(spool) = $(var(e){s.encode.base64});
    acc_db_request("0 Event", "events");
    mq_add("events", "$var(ev)", "$var(e)");
}

# The events process: every tick, send what is queued, @BATCH@ events per POST; a batch mpaas did not take is
# kept in this process ($var survives between ticks, starting at 0) and sent again first.
route[SEND_EVENTS] {
    $var(more) = 1;
    while ($var(more) == 1) {
        if ($var(haspending) == 0) {
            $var(n) = 0;
            $var(batch) = "";
            while ($var(n) < @BATCH@ && $(var(batch){s.len}) < @BATCH_BYTES@ && mq_fetch("events")) {
                if ($var(n) > 0) {
                    $var(batch) = $var(batch) + ",";
                }
                $var(batch) = $var(batch) + $mqv(events);
                $var(n) = $var(n) + 1;
            }
            if ($var(n) == 0) {
                return;
            }
            $var(pending) = "{\"Events\":[" + $var(batch) + "]}";
            $var(haspending) = 1;
        }
        $var(rc) = http_connect("@EVENTS_CON@", "@EVENTS_PATH@", "@CTYPE@", "$var(pending)", "$var(res)");
        if ($var(rc) < 0) {
            # Not mpaas's answer: the batch could not even be handed to http_client. Sending it again would fail
            # the same way and hold every later event behind it.
            xlog("L_ERR", "a batch of call events could not be sent ($var(rc)): dropped\n");
            $var(haspending) = 0;
            return;
        }
        if ($var(rc) != 200) {
            xlog("L_WARN", "mpaas did not take a batch of call events (HTTP $var(rc)); sending it again\n");
            return;
        }
        $var(haspending) = 0;
    }
}
"""
