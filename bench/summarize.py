#!/usr/bin/env python3
"""bench/summarize.py -- medians of the runs in one bench result directory.

Reads every <scenario>-<run>.json that bench/run.sh wrote, takes the median
of each figure over the runs (and says which run it came from: with an odd
number of runs the median is one of them), checks the targets of issue 9,
and writes summary.json and summary.md next to the runs.

    bench/summarize.py bench/results/20261127-120000
"""
import glob
import json
import os
import re
import sys

TARGETS = [
    # key, text, unit, comparison, limit
    ("throughput.sustained_per_s", ">= 20,000 msg/s delivered end to end, zero loss",
     "msg/s", ">=", 20000),
    ("throughput.p99_ms_at_5000", "p99 <= 10 ms at 5,000 msg/s", "ms", "<=", 10),
    ("throughput.redis_per_msg_at_5000", "<= 3 Redis commands per delivered message (at 5,000 msg/s)",
     "cmds", "<=", 3),
    ("connections.connected", "15,000 sessions on one gateway", "sessions", ">=", 15000),
    ("connections.gateway_bytes_per_session", "<= 8 KB gateway memory per session",
     "B", "<=", 8192),
    ("backlog.all_ms", "10,000-message offline backlog delivered in <= 1 s", "ms", "<=", 1000),
    ("presence.sweep_ms_expiring", "presence sweep over 10,000 users <= 50 ms", "ms", "<=", 50),
]


def median_of(values):
    """(median, index of the run it came from) of a list of (run, value)."""
    vals = sorted((v, r) for r, v in values if v is not None)
    if not vals:
        return None, None
    mid = (len(vals) - 1) // 2          # lower median: always a real run
    return vals[mid][0], vals[mid][1]


def fig(values):
    m, r = median_of(values)
    return {"median": m, "run": r, "values": [v for _, v in sorted(values)]}


def load_runs(d):
    runs = {}
    for path in sorted(glob.glob(os.path.join(d, "*-[0-9]*.json"))):
        m = re.match(r"(.+)-(\d+)\.json$", os.path.basename(path))
        if not m:
            continue
        try:
            with open(path) as f:
                runs.setdefault(m.group(1), []).append((int(m.group(2)), json.load(f)))
        except (OSError, ValueError) as e:
            print("summarize: skipping %s: %s" % (path, e), file=sys.stderr)
    return runs


def step_at(doc, rate):
    for s in doc.get("steps", []):
        if s.get("offered_per_s") == rate:
            return s
    return None


def cpu_of(block):
    """CPU % per watched process, plus machine_busy and others (the part of
    the machine's busy time no watched process used)."""
    out = {}
    for k, v in (block or {}).items():
        if k == "machine":
            out["machine_busy"] = v.get("busy_pct")
            out["others"] = v.get("others_pct")
        else:
            out[k] = v.get("cpu_pct")
    return out


def sum_throughput(runs):
    out = {"sustained_per_s": fig([(r, d.get("sustained_per_s")) for r, d in runs]),
           "lost": fig([(r, d.get("lost")) for r, d in runs]),
           "dups": fig([(r, d.get("dups")) for r, d in runs]),
           "sessions": fig([(r, d.get("sessions")) for r, d in runs])}
    p99 = []
    redis = []
    for r, d in runs:
        s = step_at(d, 5000)
        p99.append((r, s["latency_us"]["p99"] / 1000.0 if s else None))
        redis.append((r, (s.get("redis") or {}).get("per_msg") if s else None))
    out["p99_ms_at_5000"] = fig(p99)
    out["redis_per_msg_at_5000"] = fig(redis)
    rates = sorted({s["offered_per_s"] for _, d in runs for s in d.get("steps", [])})
    steps = {}
    for rate in rates:
        per = [(r, step_at(d, rate)) for r, d in runs]
        per = [(r, s) for r, s in per if s]
        row = {"runs": len(per)}
        for key in ("delivered_per_s", "lost", "dups", "max_send_lag_us"):
            row[key] = fig([(r, s.get(key)) for r, s in per])
        for p in ("p50", "p90", "p99", "p999", "max"):
            row[p + "_ms"] = fig([(r, s["latency_us"][p] / 1000.0) for r, s in per])
        row["behind"] = [s.get("behind") for _, s in per]
        row["redis_per_msg"] = fig([(r, (s.get("redis") or {}).get("per_msg")) for r, s in per])
        row["redis_usec_per_msg"] = fig([(r, (s.get("redis") or {}).get("usec_per_msg")) for r, s in per])
        procs = sorted({k for _, s in per for k in cpu_of(s.get("cpu"))})
        row["cpu_pct"] = {k: fig([(r, cpu_of(s.get("cpu")).get(k)) for r, s in per]) for k in procs}
        # the median run's command mix
        _, mr = median_of([(r, (s.get("redis") or {}).get("per_msg")) for r, s in per])
        for r, s in per:
            if r == mr and s.get("redis"):
                row["redis_by_cmd_median_run"] = s["redis"].get("by_cmd")
        steps[str(rate)] = row
    out["steps"] = steps
    return out


def sum_simple(runs, keys):
    out = {}
    for k in keys:
        path = k.split(".")
        vals = []
        for r, d in runs:
            v = d
            for p in path:
                v = v.get(p) if isinstance(v, dict) else None
            vals.append((r, v))
        out[k.replace(".", "_")] = fig(vals)
    return out


def sum_connections(runs):
    out = sum_simple(runs, ["connected", "failed", "target", "ramp_s", "handshakes_per_s",
                            "handshake_us.p50", "handshake_us.p99",
                            "closed_during_hold", "login.per_s"])
    names = sorted({k for _, d in runs for k in d.get("rss_per_session_bytes", {})})
    out["rss_per_session_bytes"] = {n: fig([(r, d.get("rss_per_session_bytes", {}).get(n))
                                             for r, d in runs]) for n in names}
    gw = []
    for r, d in runs:
        per = d.get("rss_per_session_bytes", {})
        vals = [v for k, v in per.items() if k.startswith("gateway")]
        # several gateways share the sessions: bytes per session on each one
        gw.append((r, sum(vals) if vals else None))
    out["gateway_bytes_per_session"] = fig(gw)
    procs = sorted({k for _, d in runs for k in cpu_of(d.get("idle"))})
    out["idle_cpu_pct"] = {k: fig([(r, cpu_of(d.get("idle")).get(k)) for r, d in runs]) for k in procs}
    out["ramp_cpu_pct"] = {k: fig([(r, cpu_of(d.get("ramp")).get(k)) for r, d in runs]) for k in procs}
    fds = {}
    for k in procs:
        fds[k] = fig([(r, (d.get("idle") or {}).get(k, {}).get("fds")) for r, d in runs])
    out["fds"] = fds
    out["last_close"] = [d.get("last_close") for _, d in runs]
    return out


def summarize(d):
    runs = load_runs(d)
    if not runs:
        sys.exit("summarize: no runs in %s" % d)
    first = next(iter(runs.values()))[0][1]
    s = {"dir": os.path.basename(os.path.normpath(d)), "machine": first.get("machine"),
         "runs": max(len(v) for v in runs.values())}
    if "throughput" in runs:
        s["throughput"] = sum_throughput(runs["throughput"])
    if "backlog" in runs:
        s["backlog"] = sum_simple(runs["backlog"], ["messages", "received", "in_order", "connect_ms",
                                                    "first_ms", "all_ms", "per_s", "send_s",
                                                    "dups", "reordered", "receiver_closed"])
    if "presence" in runs:
        s["presence"] = sum_simple(runs["presence"], [
            "users", "stopped", "observers", "sweep_ms_expiring", "sweep_ms_before_expiry",
            "expired_by_sweep", "offline.exactly_once", "offline.missing", "offline.dups",
            "offline.wrong_user", "offline.first_after_last_hb_s", "offline.all_after_last_hb_s",
            "offline.spread_ms", "online_all_seen_s", "online.missing", "online.dups",
            "login.per_s"])
    if "logins" in runs:
        s["logins"] = sum_simple(runs["logins"], ["per_s", "ok", "failed", "latency_us.p50",
                                                  "latency_us.p99", "concurrency", "accounts"])
        s["logins"]["parameters"] = runs["logins"][0][1].get("label", "").split(": ", 1)[-1]
        procs = sorted({k for _, d in runs["logins"] for k in cpu_of(d.get("cpu"))})
        s["logins"]["cpu_pct"] = {k: fig([(r, cpu_of(d.get("cpu")).get(k))
                                          for r, d in runs["logins"]]) for k in procs}
    for name in ("connections", "connections3"):
        if name in runs:
            s[name] = sum_connections(runs[name])
    s["targets"] = check_targets(s)
    return s


def get(s, key):
    v = s
    for p in key.split("."):
        if not isinstance(v, dict) or p not in v:
            return None, None
        v = v[p]
    if isinstance(v, dict) and "median" in v:
        return v["median"], v["run"]
    return v, None


def check_targets(s):
    out = []
    for key, text, unit, cmp, limit in TARGETS:
        v, run = get(s, key)
        met = None
        if v is not None:
            met = v >= limit if cmp == ">=" else v <= limit
            if key == "throughput.sustained_per_s":
                lost, _ = get(s, "throughput.lost")
                met = met and lost == 0
        out.append({"target": text, "key": key, "limit": limit, "unit": unit,
                    "measured": v, "run": run, "met": met})
    return out


def fmt(v, nd=1):
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return ("%." + str(nd) + "f") % v
    return str(v)


def m(s, key, nd=1):
    v, run = get(s, key)
    return fmt(v, nd) + (" (run %s)" % run if run is not None else "")


def markdown(s):
    mc = s.get("machine") or {}
    L = ["# Bench results %s" % s["dir"], "",
         "Machine: %s CPUs (%s), %s GiB, kernel %s, host %s; shared with other work "
         "(see `machine.others_pct` in the runs). Medians of %d run(s); \"run N\" names "
         "the run a median came from." % (mc.get("cpus"), mc.get("cpu_model"), mc.get("mem_gib"),
                                          mc.get("kernel"), mc.get("hostname"), s["runs"]),
         ""]
    if s["dir"].endswith("-quick"):
        L += ["QUICK run: smaller sizes (200 sessions, 2,000-message backlog, 2,000 presence "
              "users, 2,000/3,000 connections); the targets are for the full run.", ""]
    L += ["## Targets", "", "| target | measured | met |", "|---|---|---|"]
    for t in s["targets"]:
        met = "–" if t["met"] is None else ("met" if t["met"] else "**gap**")
        L.append("| %s | %s %s%s | %s |" % (t["target"], fmt(t["measured"], 2), t["unit"],
                                           " (run %s)" % t["run"] if t["run"] else "", met))
    tp = s.get("throughput")
    if tp:
        L += ["", "## Throughput and latency (open loop, %s sessions)" % fmt(get(s, "throughput.sessions")[0]),
              "", "| offered msg/s | delivered msg/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms "
              "| lost | Redis cmds/msg | CPU % (gateway / nginx / relay / redis / loadgen / others) |",
              "|---|---|---|---|---|---|---|---|---|---|"]
        for rate, row in tp["steps"].items():
            c = row["cpu_pct"]
            cpu = " / ".join(fmt(c.get(k, {}).get("median"), 0) for k in
                             ("gateway1", "nginx", "relay1", "redis", "loadgen"))
            oth = c.get("others", {}).get("median")
            L.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s |" % (
                rate, fmt(row["delivered_per_s"]["median"], 0), fmt(row["p50_ms"]["median"], 2),
                fmt(row["p90_ms"]["median"], 2), fmt(row["p99_ms"]["median"], 2),
                fmt(row["p999_ms"]["median"], 2), fmt(row["max_ms"]["median"], 2),
                fmt(row["lost"]["median"]), fmt(row["redis_per_msg"]["median"], 2), cpu,
                fmt(oth, 0)))
        L += ["", "Sustained: %s msg/s; lost over all steps: %s; duplicates: %s." % (
            m(s, "throughput.sustained_per_s", 0), m(s, "throughput.lost"), m(s, "throughput.dups"))]
    bl = s.get("backlog")
    if bl:
        L += ["", "## Offline backlog", "",
              "%s messages: all delivered %s ms after the receiver started connecting "
              "(first after %s ms); in order: %s; %s msg/s." % (
                  m(s, "backlog.messages"), m(s, "backlog.all_ms"), m(s, "backlog.first_ms"),
                  m(s, "backlog.in_order"), m(s, "backlog.per_s", 0))]
    pr = s.get("presence")
    if pr:
        L += ["", "## Presence", "",
              "%s users online, %s stop heartbeating, %s observers: the expiring sweep took %s ms "
              "(presence's metric; sweeps before: %s ms); offline broadcasts exactly once: %s "
              "(missing %s, duplicates %s, wrong users %s); all seen %s s after the last "
              "heartbeat; the %s online broadcasts reached every observer in %s s." % (
                  m(s, "presence.users"), m(s, "presence.stopped"), m(s, "presence.observers"),
                  m(s, "presence.sweep_ms_expiring"), m(s, "presence.sweep_ms_before_expiry"),
                  m(s, "presence.offline_exactly_once"), m(s, "presence.offline_missing"),
                  m(s, "presence.offline_dups"), m(s, "presence.offline_wrong_user"),
                  m(s, "presence.offline_all_after_last_hb_s", 2), m(s, "presence.users"),
                  m(s, "presence.online_all_seen_s", 2))]
    li = s.get("logins")
    if li:
        L += ["", "## Logins (argon2id at auth's cost)", "",
              "%s logins/s (p50 %s us, p99 %s us), %s accounts, %s in flight; parameters: %s" % (
                  m(s, "logins.per_s", 2), m(s, "logins.latency_us_p50", 0),
                  m(s, "logins.latency_us_p99", 0), m(s, "logins.accounts"),
                  m(s, "logins.concurrency"), li.get("parameters"))]
    for name, title in (("connections", "one gateway"), ("connections3", "three gateways")):
        cn = s.get(name)
        if not cn:
            continue
        rss = ", ".join("%s %s" % (k, fmt(v["median"], 0)) for k, v in cn["rss_per_session_bytes"].items())
        idle = ", ".join("%s %s" % (k, fmt(v["median"], 1)) for k, v in cn["idle_cpu_pct"].items())
        L += ["", "## Connections, %s" % title, "",
              "%s of %s sessions (failed %s) in %s s: %s handshakes/s (handshake p50 %s us, "
              "p99 %s us); closed during the hold: %s." % (
                  m(s, name + ".connected"), m(s, name + ".target"), m(s, name + ".failed"),
                  m(s, name + ".ramp_s", 1), m(s, name + ".handshakes_per_s", 0),
                  m(s, name + ".handshake_us_p50", 0), m(s, name + ".handshake_us_p99", 0),
                  m(s, name + ".closed_during_hold")),
              "", "RSS per session (bytes): %s." % rss, "", "Idle CPU %% (100 = one core): %s." % idle]
    return "\n".join(L) + "\n"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    d = sys.argv[1]
    s = summarize(d)
    with open(os.path.join(d, "summary.json"), "w") as f:
        json.dump(s, f, indent=1, sort_keys=False)
        f.write("\n")
    md = markdown(s)
    with open(os.path.join(d, "summary.md"), "w") as f:
        f.write(md)
    print(md)


if __name__ == "__main__":
    main()
