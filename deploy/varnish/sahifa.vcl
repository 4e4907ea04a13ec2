vcl 4.1;
# Varnish 7 in front of Sahifa (Debian: `apt-get install varnish varnish-modules`; the
# second package brings vmod_xkey). See docs/DEPLOY.md for the whole request path:
#
#   reader -> TLS terminator -> Varnish (this file) -> HAProxy -> sahifa nodes
#
# What the nodes tell this file, and what it does with it:
# * Public pages, feeds and sitemaps answer `Cache-Control: public, max-age=0,
#   s-maxage=S, stale-while-revalidate=W, stale-if-error=E` plus their dependency keys in
#   `xkey` (space separated). Varnish takes the TTL from s-maxage and the grace from
#   stale-while-revalidate by itself; this file adds stale-if-error (see
#   vcl_backend_response) and forgets the key headers before delivery.
# * After every committed write the node that wrote sends `PURGE /` with
#   `xkey-purge: <keys>`; this file soft-purges those keys (vcl_recv), from the nodes only.
# * Anything staff-only or personal (/admin, /api, a session cookie, any non-GET) passes.
#
# Lines ending in `# edge-test: NAME` hold this site's addresses: edit those for your
# site. The stack test (crates/sahifa/tests/suite/stack.rs) runs this very file and
# rewrites only the address on those lines.

import std;
import xkey;

# ---------------------------------------------------------------------------------------
# BACKEND: HAProxy's `fe_edge` frontend (deploy/haproxy/haproxy.cfg), which spreads the
# requests over the nodes and retries a node that refuses a connection. One backend, not
# one per node: health, balancing and retries live in HAProxy, in one place.
backend haproxy {
    .host = "127.0.0.1";                        # edge-test: backend-host
    .port = "8090";                             # edge-test: backend-port
    .connect_timeout = 1s;
    # A page render takes milliseconds; an admin upload passing through (images and
    # their variants) can take tens of seconds.
    .first_byte_timeout = 60s;
    .between_bytes_timeout = 10s;
    .max_connections = 1000;
    # HAProxy's monitor URI answers 200 while at least one node passes HAProxy's own
    # /healthz check, 503 when none does. Asking it (rather than /healthz, which HAProxy
    # would forward to a single node) gives the state of the whole pool without adding
    # database writes (each /healthz runs a write probe). When the probe fails, vcl_hit
    # serves the copies it has (stale-if-error) instead of queueing readers on dead nodes.
    .probe = {
        .request =
            "GET /haproxy-health HTTP/1.1"
            "Host: sahifa-edge"
            "Connection: close";
        .interval = 1s;
        .timeout = 1s;
        .window = 3;
        .threshold = 2;
        .initial = 2;
    }
}
# END BACKEND
# ---------------------------------------------------------------------------------------

# Who may purge: the nodes' addresses as Varnish sees them (client.ip, the TCP peer, so a
# forged X-Forwarded-For cannot get in). List every node; never list the address of a
# TLS terminator or other proxy that forwards readers' requests, or readers could purge
# through it (a terminator in front should speak the PROXY protocol, so that client.ip
# stays the reader: `varnishd -a :6086,PROXY`).
acl purgers {
    "127.0.0.1";                                # edge-test: purger
}

sub vcl_recv {
    # Internal markers of this file (see vcl_hit, vcl_miss, vcl_deliver): never believed
    # from a client, only carried across this file's own restarts.
    if (req.restarts == 0) {
        unset req.http.X-Sahifa-Edge-Fetch;
        unset req.http.X-Sahifa-Edge-Missed;
        unset req.http.X-Sahifa-Edge-Br;
        unset req.http.X-Sahifa-Edge-Purged;
    }

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            # A PURGE without keys is a mistake (a node always names keys; a global purge
            # names `sahifa`, which every cached response carries). Refuse it rather than
            # guess, so the mistake shows in the node's log as a failed purge.
            return (synth(400, "xkey-purge header required"));
        }
        # Soft purge: the objects expire now but stay as grace, so they can still be
        # served if the nodes fail (stale-if-error); while the nodes answer, vcl_hit never
        # hands a purged object to a reader. Returns how many objects it expired.
        set req.http.X-Sahifa-Edge-Purged = xkey.softpurge(req.http.xkey-purge);
        return (synth(200, "Purged"));
    }

    if (req.method != "GET" && req.method != "HEAD") {
        # Comment posts (POST /article/{slug}/comments, answered 303), admin forms, API
        # writes: never cached, passed (not piped) so every request is logged and timed,
        # and sent once: Varnish never retries a passed request.
        return (pass);
    }

    # Staff and machines: the admin (its login included), the JSON API (tokens, CSRF
    # challenges), and the health check, which must reflect a node, not a cached answer.
    if (req.url ~ "^/(admin|api)(/|\?|$)" || req.url ~ "^/healthz(\?|$)") {
        return (pass);
    }
    # A signed-in editor sees the page as it is now (the nodes answer them
    # `private, no-cache` and never stale), so their requests never touch the cache.
    if (req.http.Cookie ~ "(^|;)\s*sahifa_session=") {
        return (pass);
    }
    if (req.http.Authorization) {
        return (pass);
    }
    # Any other cookie (the commenter's "remember me", which only site.js reads, or
    # analytics cookies) does not change a public page: drop it so the request can be
    # answered from the cache. The built-in VCL would pass every request with a cookie.
    unset req.http.Cookie;

    # Brotli: the nodes keep every page pre-compressed in br and gzip. Varnish itself only
    # knows gzip (it rewrites Accept-Encoding to `gzip` before the lookup), so a client
    # that accepts br gets its own cache object, fetched with `Accept-Encoding: br`
    # (vcl_hash, vcl_backend_fetch). `br;q=0` is a refusal, not an acceptance.
    if (req.http.Accept-Encoding ~ "(?i)(^|,)\s*br\s*(,|$|;\s*q=(1|0?\.0*[1-9]))") {
        set req.http.X-Sahifa-Edge-Br = "br";
    } else {
        unset req.http.X-Sahifa-Edge-Br;
    }

    # On this file's own restarts: after a purge or past stale-while-revalidate only a
    # fresh copy will do (vcl_hit); after a failed fetch any copy grace holds will
    # (vcl_deliver). req.grace caps the object's grace; it cannot be unset, and a cap far
    # above any grace is no cap.
    if (req.restarts > 0) {
        if (req.http.X-Sahifa-Edge-Fetch == "fresh") {
            set req.grace = 0s;
        } else {
            set req.grace = 36500d;
        }
    }
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    if (req.http.Host) {
        hash_data(req.http.Host);
    } else {
        hash_data(server.ip);
    }
    # The TLS terminator's X-Forwarded-Proto decides the scheme of absolute links a node
    # may write; keep http and https answers apart.
    if (req.http.X-Forwarded-Proto) {
        hash_data(req.http.X-Forwarded-Proto);
    }
    if (req.http.X-Sahifa-Edge-Br) {
        hash_data("br");
    }
    return (lookup);
}

sub vcl_hit {
    if (obj.ttl >= 0s) {
        return (deliver);
    }
    # Past its TTL (or purged), within grace. Which stale copy a reader may get:
    # 1. Nodes down (the probe failed): every copy grace still holds, up to the node's
    #    stale-if-error. A copy that expired meanwhile is far better than an error page.
    if (!std.healthy(req.backend_hint)) {
        return (deliver);
    }
    # 2. This request's fetch already failed (vcl_deliver restarted it): same reasoning.
    if (req.http.X-Sahifa-Edge-Fetch == "stale-ok") {
        return (deliver);
    }
    # 3. Purged while still fresh (its age is below the TTL it was given): a write changed
    #    what it shows. While the nodes answer, no reader gets the old text after the
    #    purge: the request goes to the nodes at once. Concurrent requests for it wait on
    #    the one fetch (Varnish's request coalescing), so a purge of a hot page costs one
    #    backend request, not a storm, and the object stays for case 1.
    if (obj.age < std.duration(obj.http.X-Sahifa-Edge-TTL + "s", 0s)) {
        set req.http.X-Sahifa-Edge-Fetch = "fresh";
        return (restart);
    }
    # 4. Expired by age, within the node's stale-while-revalidate: served at once while a
    #    background fetch gets the new copy (Varnish starts it when it delivers an expired
    #    object).
    if (obj.ttl + std.duration(obj.http.X-Sahifa-Edge-SWR + "s", 0s) > 0s) {
        return (deliver);
    }
    # 5. Older than that: fetch it (coalesced, as in 3).
    set req.http.X-Sahifa-Edge-Fetch = "fresh";
    return (restart);
}

sub vcl_miss {
    if (req.http.X-Sahifa-Edge-Fetch == "stale-ok") {
        # The fetch already failed once and there is no copy to serve: say so rather
        # than ask the failing nodes a second time.
        return (synth(503, "Service Unavailable"));
    }
    set req.http.X-Sahifa-Edge-Missed = "1";
}

sub vcl_backend_fetch {
    if (bereq.http.X-Sahifa-Edge-Br) {
        set bereq.http.Accept-Encoding = "br";
    }
    unset bereq.http.X-Sahifa-Edge-Br;
    unset bereq.http.X-Sahifa-Edge-Fetch;
    unset bereq.http.X-Sahifa-Edge-Missed;
    unset bereq.http.X-Sahifa-Edge-Purged;
}

sub vcl_backend_response {
    if (beresp.status >= 500) {
        if (bereq.is_bgfetch) {
            # A background refresh that fails keeps the copy being served (stale-if-error
            # for stale-while-revalidate's fetches).
            return (abandon);
        }
        # Never cache an error, not even as a hit-for-miss object (the built-in VCL
        # would make one for 120 s, and it would hide the stale copy vcl_deliver goes
        # back for).
        set beresp.ttl = 0s;
        set beresp.grace = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    if (bereq.uncacheable) {
        # A passed request (POST, admin, session): nothing to decide.
        return (deliver);
    }
    # Only what a node marks shared is shared. Varnish would otherwise keep a response
    # without Cache-Control for default_ttl (120 s): a search page or a redirect a node
    # did not mean for a shared cache.
    if (beresp.http.Cache-Control !~ "(?i)(^|,)\s*(public|s-maxage=)") {
        set beresp.ttl = 0s;
        set beresp.grace = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # Uploaded images carry `max-age=86400` and no keys: a deleted (taken down) image
    # would stay here a day. An hour bounds that; browsers still keep it a day, and
    # `varnishadm ban req.url '~' '^/media/uploads/NAME'` drops one at once.
    if (bereq.url ~ "^/media/" && beresp.ttl > 1h) {
        set beresp.ttl = 1h;
    }
    # Grace: Varnish set it from stale-while-revalidate (or to default_grace, 10 s, when
    # absent). A retired page a node serves while it renders the successor
    # (`X-Sahifa-Cache: stale`, `s-maxage=1`, no stale-while-revalidate) must not outlive
    # its second, so no header means no grace.
    if (beresp.http.Cache-Control !~ "(?i)stale-while-revalidate=") {
        set beresp.grace = 0s;
    }
    # vcl_hit needs the TTL and the stale-while-revalidate window the node gave, to tell
    # a purged copy from an expired one and a fresh-enough stale copy from a too-old one.
    set beresp.http.X-Sahifa-Edge-TTL = beresp.ttl;
    set beresp.http.X-Sahifa-Edge-SWR = beresp.grace;
    # stale-if-error, which Varnish does not read: the grace becomes the longer of the two
    # windows, and vcl_hit serves past stale-while-revalidate only when the nodes fail.
    # (Varnish 7.1 can deliver only objects in grace; beresp.keep objects are kept for
    # conditional refetches, not delivered. Hence grace, not keep, carries stale-if-error.)
    if (beresp.http.Cache-Control ~ "(?i)stale-if-error=[0-9]+") {
        set beresp.grace = std.duration(
            regsub(beresp.http.Cache-Control, "(?i)^.*stale-if-error=([0-9]+).*$", "\1s"),
            beresp.grace);
        if (beresp.grace < std.duration(beresp.http.X-Sahifa-Edge-SWR + "s", 0s)) {
            set beresp.grace = std.duration(beresp.http.X-Sahifa-Edge-SWR + "s", 0s);
        }
    }
    # Keep an expired copy an hour past its grace for conditional refetches: the nodes
    # answer If-None-Match with a 304 when the page is unchanged, which costs them no
    # render and the network no body.
    set beresp.keep = 1h;
    # The nodes' Vary is `Accept-Encoding`, which Varnish already handles: gzip and
    # identity share one gzip object (gunzipped for the rare client without gzip), br has
    # its own hash (vcl_hash). Storing the Vary as well would make Varnish compare the
    # normalised `gzip` of later requests with the `br` this object was fetched with, and
    # miss every time. It is put back for browsers in vcl_deliver.
    if (beresp.http.Vary ~ "(?i)^accept-encoding$") {
        unset beresp.http.Vary;
        set beresp.http.X-Sahifa-Edge-Vary = "Accept-Encoding";
    }
    # Then the built-in rules (Set-Cookie, no-store, Vary: * make a hit-for-miss object).
}

sub vcl_deliver {
    # A failed fetch of a cacheable page: go back for a stale copy if grace holds one
    # (stale-if-error while the probe still says healthy, e.g. one node answering 500).
    # Only lookups reach vcl_miss, so a passed POST is never restarted (never re-sent).
    if (resp.status >= 500 && req.http.X-Sahifa-Edge-Missed && req.restarts < 2) {
        set req.http.X-Sahifa-Edge-Fetch = "stale-ok";
        unset req.http.X-Sahifa-Edge-Missed;
        return (restart);
    }
    # The dependency keys are for this cache and the purges, not for readers.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.Cache-Tag;
    unset resp.http.X-Sahifa-Edge-TTL;
    unset resp.http.X-Sahifa-Edge-SWR;
    if (resp.http.X-Sahifa-Edge-Vary) {
        set resp.http.Vary = resp.http.X-Sahifa-Edge-Vary;
        unset resp.http.X-Sahifa-Edge-Vary;
    }
}

sub vcl_synth {
    if (req.method == "PURGE") {
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        if (resp.status == 200) {
            # The count, for the node's log and for operators purging by hand.
            set resp.http.X-Purged = req.http.X-Sahifa-Edge-Purged;
            synthetic("Purged " + req.http.X-Sahifa-Edge-Purged + " objects" + {"
"});
        } else {
            synthetic(resp.reason + {"
"});
        }
        return (deliver);
    }
}
