#!/usr/bin/env python3
"""Generate a realistic dump of Skycore delivery-report postbacks for benchmarks.

    python3 bench/gen_dump.py --size 100M --out FILE [--seed 1]
                              [--framing mixed|log|concat|wrapper|json|v2] [--gzip]
                              [--malformed-rate 0.002]
    python3 bench/gen_dump.py --dir DIR --files 20000 [--seed 1] [--gzip]
    python3 bench/gen_dump.py --lifecycle 1000000 --out FILE [--seed 1]

Standard library only. The output is a pure function of the arguments (a seeded
random.Random drives everything, the log clock starts at a fixed instant).

Framings (FIELDS.md section 5):
  mixed    mostly single-line log lines holding a postback, plus pretty-printed
           documents, JSON log lines (XML as an escaped JSON string), a few
           form-encoded bodies (xml=%3C...), wrapper documents holding 2-5
           postbacks, and noise (request logs, stack traces) without postbacks
  log      single-line log lines only (postback lines and noise lines)
  concat   pretty-printed documents one after another, each with its own <?xml?>
  wrapper  one <BATCH> document holding every postback
  json     JSON lines only (postback lines and a few noise lines)
  v2       v2 JSON postbacks (DIALECTS.md): NDJSON lines of postback objects,
           some after text on a log line, a few pretty-printed bodies, and JSON
           noise lines; a malformed one is cut off mid-object

About 2% of the postbacks are invalid on purpose (missing field, impossible
timestamp, bad STATUS, unknown field `Status`) and about 0.2% are not
well-formed (an unclosed tag, or a record cut short; `--malformed-rate 0`
makes none, for the whole-document baselines of bench/run.sh). Counts: `postbacks` is
every <POSTBACK> written, `invalid` and `malformed` are disjoint subsets of it.

--lifecycle N writes the linked lifecycles of N messages (SMS, MMS, a few
device-discovery ones) as log lines in the order a webhook receives them: a
sent postback (N201, N101, N501), then after a known latency its final one
(delivered, failed, expired, rejected, not supported), or none (pending); a
few never leave (E201, E101), a few finals arrive without their sent postback
(orphans), and about 3% of the postbacks are retried up to 5 times, 5 minutes
apart, as the provider does. FILE.meta.json then also holds what `postback
track --format json` must find: messages, states, duplicates, orphans and the
exact nearest-rank latency percentiles.

At the end one line goes to stderr and the same numbers to FILE.meta.json
(DIR.meta.json in --dir mode, beside the directory, so that a run over DIR
does not read it). `bytes` counts the uncompressed text, also with --gzip.
"""

import argparse
import base64
import gzip
import json
import os
import random
import sys
import time
from urllib.parse import quote, quote_plus

HERE = os.path.dirname(os.path.abspath(__file__))
CARRIER_TABLES = [
    os.path.join(HERE, "..", "data", "carriers.tsv"),
    "/work/shared/spec/carriers.tsv",
]
# Used only if no carrier table can be found.
FALLBACK_SPIDS = ["0001470", "0001570", "0001140", "0001000", "0001220", "0001400"]

INVALID_RATE = 0.02
MALFORMED_RATE = 0.002

CHUNK_CHARS = 4 << 20  # write in chunks of about 4 MiB

# ---------------------------------------------------------------------------
# value pools

SHORT_CODES = ["60856", "41411", "72345", "88222", "90210", "55123", "33733",
               "24273", "87654", "46835", "31996", "77100"]
SENDER_IDS = ["SKYCORE", "ACME Bank", "PizzaNow", "Alerts", "MyShop24", "CITYBUS",
              "Pharmacy", "INFO"]
HANDSETS = ["motol7c", "iphone15pro", "iphone13", "SM-S918U", "SM-A536U", "pixel8",
            "pixel7a", "moto g stylus", "LM-K920", "iPad8,6", "nokia6300"]
OSES = ["iOS", "Android", "iOS 17.4", "Android 14", "KaiOS"]
STATUSDETAILS_OK = ["Delivered to handset", "DLR stat=DELIVRD err=000",
                    "Handset setting: mms with pass via xHTML",
                    "Carrier accepted &amp; acknowledged", "Delivered (retry 1)"]
STATUSDETAILS_FAIL = ["Error fetching dynamic content", "Subscriber unreachable",
                      "Carrier rejected: content too large (&gt; 600 KB)",
                      "Expired after 72h &amp; 3 retries", "Handset does not support MMS",
                      "DLR stat=UNDELIV err=034"]
AUDIO = ["sample.mp3", "jingle_v2.mp3", "promo-voice.wav", "ringtone.amr"]
VIDEO = ["teaser.mp4", "promo_30s.3gp", "clip-final.mov"]
SMS_TEXT = ["STOP", "HELP", "YES", "JOIN", "Y", "stop", "Where is my order? #4471",
            "Thanks &amp; see you Friday", "Caf\u00e9 at 5? \u2615", "INFO PIZZA",
            "Is this &lt;real&gt;?", "C\u00f3digo 8831 recibido", "\U0001F44D"]
CAMPAIGNS = ["Spring Sale 2024", "Order updates", "VIP Club", "Caf\u00e9 Rewards",
             "Flash deals &amp; coupons", "Appointment reminders"]
BRANDS = ["ACME", "PizzaNow", "Skycore Demo", "CityBus", "Pharma+"]
SOURCES = ["MANAGER", "API", "MO", "WEB"]

# (seconds east of UTC, suffix) -- the provider mostly writes US offsets.
TZS = ([(-5 * 3600, "-05:00")] * 6 + [(-4 * 3600, "-04:00")] * 5 +
       [(0, "Z")] * 3 + [(0, "+00:00"), (3600, "+01:00"), (-7 * 3600, "-0700"),
                         (-4 * 3600, "-04"), (19800, "+05:30"), (-8 * 3600, "-08:00")])

BAD_TIMESTAMPS = ["2024-02-30T10:15:00-05:00", "2023-02-29T08:01:12-05:00",
                  "2024-04-31T23:59:59Z", "2024-05-01T24:00:00-04:00",
                  "2024-05-01T10:61:00-05:00", "2024-05-01 10:15:00",
                  "2024-05-01T10:15:00", "2024-05-01T10:15:00+15:00",
                  "05/01/2024 10:15 AM", "2024-02-30T10:15:00-05:00"]
BAD_STATUSES = ["Message Delivered", "message sent", "Sent", "DELIVRD",
                "Message Sent/Pending", "Message Sent/Undeliverable", "Message  Sent"]

MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# Postback kinds and their weights (section 1 codes and a few section 4 ones).
KIND_WEIGHTS = [
    ("sms_n201", 30), ("sms_n202", 28),
    ("mms_n101_mms", 8), ("mms_n101_sms", 3),
    ("mms_n102_mms", 8), ("mms_n102_sms", 2), ("mms_n202", 3),
    ("mms_e101", 2), ("mms_n003", 2), ("mms_e002", 1),
    ("sms_mo_n211", 2), ("sub_n301", 1),
]
# Kinds that carry both STATUS and TIMESTAMP: the base of invalid records.
INVALID_BASE = [("sms_n201", 5), ("sms_n202", 5), ("mms_n101_mms", 1),
                ("mms_n102_mms", 1), ("mms_n102_sms", 1), ("mms_n202", 1)]
MUTATIONS = ["missing", "bad_timestamp", "bad_status", "unknown_status"]
MISSING_CANDIDATES = ["TO", "FROM", "TRACKINGID", "SPID", "TIMESTAMP", "STATUS"]

SELF_CLOSING = None  # a field value of None renders as <NAME/>


def expand(weights):
    out = []
    for item, w in weights:
        out.extend([item] * w)
    return out


def load_spids():
    for path in CARRIER_TABLES:
        try:
            with open(path, encoding="utf-8") as f:
                rows = [line.split("\t", 1)[0] for line in f.read().splitlines()[1:]]
        except OSError:
            continue
        spids = sorted({r for r in rows if len(r) == 7 and r.isdigit()})
        if spids:
            # Real traffic is dominated by a handful of big carriers.
            big = [s for s in ("0001470", "0001570", "0001580", "0001140", "0001000")]
            return spids + big * (len(spids) // 10)
    return FALLBACK_SPIDS


class Gen:
    """Makes postback records (lists of (name, value)) and the text around them."""

    def __init__(self, seed, malformed_rate=MALFORMED_RATE):
        self.rng = random.Random(seed)
        self.malformed_rate = malformed_rate
        self.spids = load_spids()
        self.kinds = expand(KIND_WEIGHTS)
        self.invalid_base = expand(INVALID_BASE)
        self.t_ms = 1714557600000  # 2024-05-01T10:00:00Z
        self._sec = None
        self._iso = self._sys = ""
        self.track = 80000
        self.postbacks = self.invalid = self.malformed = 0
        self.tick()

    # -- clock ---------------------------------------------------------------
    def tick(self):
        self.t_ms += self.rng.randrange(1, 90)
        s = self.t_ms // 1000
        if s != self._sec:
            self._sec = s
            t = time.gmtime(s)
            self._iso = "%04d-%02d-%02dT%02d:%02d:%02d" % t[:6]
            self._sys = "%s %2d %02d:%02d:%02d" % (MON[t[1] - 1], t[2], t[3], t[4], t[5])

    def log_ts(self):
        return "%s.%03dZ" % (self._iso, self.t_ms % 1000)

    def timestamp(self):
        """An event time shortly before the log line, in some offset."""
        rng = self.rng
        off, suffix = rng.choice(TZS)
        t = time.gmtime(self._sec - rng.randrange(0, 40) + off)
        if rng.random() < 0.05:
            return "%04d-%02d-%02dT%02d:%02d:%02d.%03d%s" % (t[:6] + (rng.randrange(1000), suffix))
        return "%04d-%02d-%02dT%02d:%02d:%02d%s" % (t[:6] + (suffix,))

    # -- values ----------------------------------------------------------------
    def handset_number(self):
        return "1%03d%07d" % (self.rng.randrange(201, 990), self.rng.randrange(10000000))

    def tracking(self, prefix):
        self.track += self.rng.randrange(1, 7)
        return base64.b64encode(b"%s_%d" % (prefix, self.track)).decode("ascii")

    def aggregator(self):
        n = "%025d" % self.rng.randrange(10 ** 25)
        return "-".join((n[0:5], n[5:10], n[10:15], n[15:20], n[20:25]))

    def mmsid(self):
        return str(self.rng.randrange(30000, 99999))

    # -- records -------------------------------------------------------------
    def record(self, kind):
        rng = self.rng
        r = rng.random
        if kind == "sms_n201" or kind == "sms_n202":
            n202 = kind == "sms_n202"
            if n202:
                status = "Message Sent/Delivered" if r() < 0.9 else "Message Sent/Failed"
            else:
                status = "Message Sent" if r() < 0.95 else "Message Failed"
            f = [("ORIGIN", "SMS_MT"), ("CODE", "N202" if n202 else "N201"),
                 ("STATUS", status), ("FROM", rng.choice(SHORT_CODES))]
            x = r()
            if x < 0.30:
                f.append(("FROM_MASK", ""))
            elif x < 0.38:
                f.append(("FROM_MASK", SELF_CLOSING))
            elif x < 0.50:
                f.append(("FROM_MASK", rng.choice(SENDER_IDS)))
            f += [("TO", self.handset_number()), ("TRACKINGID", self.tracking(b"SMS")),
                  ("SPID", rng.choice(self.spids)), ("TIMESTAMP", self.timestamp())]
            if n202 or r() < 0.3:
                f.append(("AGGREGATORID", self.aggregator()))
            if r() < 0.15:
                f.append(("STATUSDETAILS", rng.choice(
                    STATUSDETAILS_FAIL if "Failed" in status else STATUSDETAILS_OK)))
            return f
        if kind.startswith("mms_n10") or kind == "mms_n202":
            code = {"mms_n101_mms": "N101", "mms_n101_sms": "N101", "mms_n102_mms": "N102",
                    "mms_n102_sms": "N102", "mms_n202": "N202"}[kind]
            sentas = "MMS" if kind.endswith("_mms") else "SMS"
            if code == "N101":
                status = "Message Sent"
            elif code == "N102":
                x = r()
                status = ("Message Sent/Delivered" if x < 0.85 else
                          "Message Sent/Expired" if x < 0.93 else "Message Sent/Rejected")
            else:
                status = "Message Sent/Delivered"
            f = [("ORIGIN", "MMS_MT"), ("CODE", code), ("SENTAS", sentas), ("STATUS", status)]
            # MMSID: required except in the SENTAS=SMS delivery column, where optional.
            if not (code != "N101" and sentas == "SMS") or r() < 0.5:
                f.append(("MMSID", self.mmsid()))
            f += [("FROM", rng.choice(SHORT_CODES)), ("TO", self.handset_number()),
                  ("TRACKINGID", self.tracking(b"MMS")), ("SPID", rng.choice(self.spids)),
                  ("TIMESTAMP", self.timestamp())]
            if code == "N102" and sentas == "MMS":
                f.append(("HANDSET", rng.choice(HANDSETS)))
            if code != "N101" or r() < 0.2:
                f.append(("AGGREGATORID", self.aggregator()))
            if code == "N102" and sentas == "MMS" and r() < 0.6:
                f.append(("OS", rng.choice(OSES)))
            if sentas == "SMS" and code == "N101":
                f.append(("STATUSDETAILS", "Handset setting: mms with pass via xHTML"))
            elif r() < 0.1:
                f.append(("STATUSDETAILS", rng.choice(
                    STATUSDETAILS_FAIL if status[-7:] in ("Expired", "ejected") else STATUSDETAILS_OK)))
            return f
        if kind == "mms_e101":
            f = [("ORIGIN", "MMS_MT"), ("CODE", "E101"), ("STATUS", "Message Failed")]
            if r() < 0.3:
                f.append(("SENTAS", rng.choice(("MMS", "SMS"))))
            f += [("MMSID", self.mmsid()), ("FROM", rng.choice(SHORT_CODES)),
                  ("TO", self.handset_number()), ("TRACKINGID", self.tracking(b"MMS")),
                  ("SPID", rng.choice(self.spids))]
            if r() < 0.4:
                f.append(("TIMESTAMP", self.timestamp()))
            f.append(("STATUSDETAILS", rng.choice(STATUSDETAILS_FAIL)))
            return f
        if kind == "mms_n003":
            return [("ORIGIN", "MMS_MT"), ("CODE", "N003"), ("MMSID", self.mmsid())]
        if kind == "mms_e002":
            f = [("ORIGIN", "MMS_MT"), ("CODE", "E002"), ("MMSID", self.mmsid())]
            x = r()
            if x < 0.6:
                f.append(("AUDIONAME", rng.choice(AUDIO)))
            elif x < 0.9:
                f.append(("VIDEONAME", rng.choice(VIDEO)))
            else:
                f += [("AUDIONAME", rng.choice(AUDIO)), ("VIDEONAME", rng.choice(VIDEO))]
            return f
        if kind == "sms_mo_n211":
            return [("ORIGIN", "SMS_MO"), ("CODE", "N211"), ("FROM", self.handset_number()),
                    ("TO", rng.choice(SHORT_CODES)), ("TEXT", rng.choice(SMS_TEXT)),
                    ("RECEIVED", self.timestamp()),
                    ("TRANSACTIONID", str(rng.randrange(10 ** 9, 10 ** 10)))]
        if kind == "sub_n301":
            ts = self.timestamp()
            if r() < 0.5 and ts[-6] in "+-":
                ts = ts[:-3]  # hour-only offset, as in the provider's N301 example
            return [("ORIGIN", "SUB"), ("CODE", "N301"), ("MOBILE", self.handset_number()),
                    ("CAMPAIGNID", str(rng.randrange(1000, 99999))), ("TIMESTAMP", ts),
                    ("SHORTCODE", rng.choice(SHORT_CODES)),
                    ("CAMPAIGNTITLE", rng.choice(CAMPAIGNS)), ("BRANDNAME", rng.choice(BRANDS)),
                    ("SOURCE", rng.choice(SOURCES))]
        raise ValueError(kind)

    def next_postback(self):
        """One record: (fields, defect) with defect None, 'unclosed' or 'truncated'."""
        rng = self.rng
        self.postbacks += 1
        x = rng.random()
        if x < self.malformed_rate:
            self.malformed += 1
            return self.record(rng.choice(self.kinds)), rng.choice(("unclosed", "truncated"))
        if x < self.malformed_rate + INVALID_RATE:
            self.invalid += 1
            f = self.record(rng.choice(self.invalid_base))
            m = rng.choice(MUTATIONS)
            if m == "missing":
                gone = rng.choice(MISSING_CANDIDATES)
                f = [kv for kv in f if kv[0] != gone]
            elif m == "bad_timestamp":
                f = [(k, rng.choice(BAD_TIMESTAMPS) if k == "TIMESTAMP" else v) for k, v in f]
            elif m == "bad_status":
                f = [(k, rng.choice(BAD_STATUSES) if k == "STATUS" else v) for k, v in f]
            else:
                f = [("Status" if k == "STATUS" else k, v) for k, v in f]
            return f, None
        return self.record(rng.choice(self.kinds)), None

    # -- rendering -------------------------------------------------------------
    def damage(self, text, fields, defect, nl):
        """Make a rendered record not well-formed."""
        rng = self.rng
        if defect == "unclosed":
            # <FROM_MASK></FROM_MASK> -> <FROM_MASK><FROM_MASK>, like the source page's slip
            cands = [k for k, v in fields[2:] if v is not SELF_CLOSING] or ["CODE"]
            k = rng.choice(cands)
            return text.replace("</%s>" % k, "<%s>" % k, 1)
        # truncated: cut somewhere inside the record, after <POSTBACK>
        start = text.index("<POSTBACK>") + 10
        end = text.rindex("</POSTBACK>")
        return text[:rng.randrange(start + 1, end)].rstrip("\r\n") + nl

    @staticmethod
    def _field(k, v):
        return "<%s/>" % k if v is None else "<%s>%s</%s>" % (k, v, k)

    def compact(self, fields, defect=None):
        t = "<POSTBACK>%s</POSTBACK>" % "".join(
            ["<%s/>" % k if v is None else "<%s>%s</%s>" % (k, v, k) for k, v in fields])
        return self.damage(t, fields, defect, "") if defect else t

    def pretty(self, fields, defect=None, base="", nl="\n"):
        ind = base + "  "
        t = "%s<POSTBACK>%s%s%s</POSTBACK>%s" % (
            base, nl,
            "".join([ind + ("<%s/>" % k if v is None else "<%s>%s</%s>" % (k, v, k)) + nl
                     for k, v in fields]),
            base, nl)
        return self.damage(t, fields, defect, nl) if defect else t

    # -- framings: each returns a piece of text ending with a line end ----------
    def decl(self):
        x = self.rng.random()
        if x < 0.85:
            return "<?xml version='1.0'?>"
        if x < 0.97:
            return '<?xml version="1.0" encoding="UTF-8"?>'
        return ""

    def log_line(self):
        rng = self.rng
        self.tick()
        f, d = self.next_postback()
        x = rng.random()
        if x < 0.70:
            return "%s INFO webhook body=%s%s\n" % (self.log_ts(), self.decl(), self.compact(f, d))
        if x < 0.90:
            n = rng.randrange(1, 200)
            return ("%s INFO  [http-nio-8080-exec-%d] c.s.w.PostbackController : received body=%s "
                    "remote=203.0.113.%d ms=%d\n" % (self.log_ts(), n % 40, self.compact(f, d),
                                                      n, n % 9 + 1))
        return "%s web01 postback-recv[%d]: received postback: %s%s\n" % (
            self._sys, 2200 + rng.randrange(50), self.decl(), self.compact(f, d))

    def pretty_doc(self, nl="\n"):
        self.tick()
        f, d = self.next_postback()
        return "<?xml version='1.0'?>" + nl + self.pretty(f, d, nl=nl)

    def pretty_in_log(self):
        rng = self.rng
        self.tick()
        nl = "\r\n" if rng.random() < 0.05 else "\n"
        head = "%s INFO webhook raw body follows (%s)\n" % (
            self.log_ts(), "application/xml") if rng.random() < 0.6 else ""
        f, d = self.next_postback()
        decl = self.decl()
        return head + (decl + nl if decl else "") + self.pretty(f, d, nl=nl)

    def json_line(self):
        rng = self.rng
        self.tick()
        f, d = self.next_postback()
        if rng.random() < 0.6:
            xml = "<?xml version='1.0'?>\n" + self.pretty(f, d).rstrip("\n")
        else:
            xml = self.decl() + self.compact(f, d)
        return ('{"ts":"%s","level":"info","logger":"webhook","msg":"postback received",'
                '"remote_ip":"198.51.100.%d","body":%s,"len":%d}\n' % (
                    self.log_ts(), rng.randrange(1, 255), json.dumps(xml), len(xml)))

    def form_line(self):
        rng = self.rng
        self.tick()
        f, d = self.next_postback()
        xml = "<?xml version='1.0'?>" + (self.compact(f, d) if rng.random() < 0.5
                                         else self.pretty(f, d).rstrip("\n"))
        enc = quote(xml, safe="") if rng.random() < 0.7 else quote_plus(xml, safe="")
        tail = "&sig=%016x" % rng.getrandbits(64) if rng.random() < 0.3 else ""
        if rng.random() < 0.5:
            return "xml=%s%s\n" % (enc, tail)
        return "%s DEBUG POST /skycore/postback form: xml=%s%s\n" % (self.log_ts(), enc, tail)

    def wrapper_doc(self):
        rng = self.rng
        self.tick()
        name = rng.choice(("BATCH", "POSTBACKS"))
        recs = [self.next_postback() for _ in range(rng.randrange(2, 6))]
        if rng.random() < 0.7:
            body = "".join([self.pretty(f, d, base="  ") for f, d in recs])
            return "<?xml version='1.0'?>\n<%s>\n%s</%s>\n" % (name, body, name)
        body = "".join([self.compact(f, d) for f, d in recs])
        return "%s INFO webhook batch body=<?xml version='1.0'?><%s>%s</%s>\n" % (
            self.log_ts(), name, body, name)

    def noise_line(self):
        rng = self.rng
        self.tick()
        ts = self.log_ts()
        x = rng.random()
        if x < 0.45:
            return ("%s INFO http method=POST path=/skycore/postback status=200 bytes=%d "
                    "duration_ms=%d ip=203.0.113.%d ua=\"Skycore-Postback/1.3\"\n" % (
                        ts, rng.randrange(200, 700), rng.randrange(1, 40), rng.randrange(1, 255)))
        if x < 0.60:
            return "%s DEBUG db insert table=delivery_reports rows=1 took=%d.%dms\n" % (
                ts, rng.randrange(0, 9), rng.randrange(10))
        if x < 0.70:
            return "%s INFO reply status=200 body=<RESPONSE><STATUS>Success</STATUS></RESPONSE>\n" % ts
        if x < 0.80:
            return "%s WARN upstream slow: GET /api/v3/mms/%d took %dms\n" % (
                ts, rng.randrange(30000, 99999), rng.randrange(1000, 5000))
        if x < 0.90:
            return "%s INFO http method=GET path=/healthz status=200 duration_ms=0\n" % ts
        return "%s INFO postback queue depth=%d workers=8 lag_ms=%d\n" % (
            ts, rng.randrange(0, 50), rng.randrange(0, 900))

    def v2_object(self, fields):
        """The postback as a v2 JSON object: v2 names and STATUS words;
        fields v2 does not have are left out."""
        out = {}
        for k, v in fields:
            name = V2_NAMES.get(k)
            if name is None or v is None:
                continue
            if k == "STATUS":
                v = V2_STATUS.get(v, v)
            out[name] = v.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
        if out.get("origin") == "SMS_MT":
            # v2 SMS postbacks say how they were sent, and carry no details.
            out.pop("status-details", None)
            out = dict([("origin", out.pop("origin")), ("code", out.pop("code", "")),
                        ("sent-as", "SMS")] + list(out.items()))
        return out

    def v2_line(self):
        rng = self.rng
        self.tick()
        f, d = self.next_postback()
        obj = self.v2_object(f)
        pretty = rng.random() < 0.05
        text = json.dumps(obj, indent=2 if pretty else None,
                          separators=None if pretty else (",", ":"), ensure_ascii=False)
        if d:
            text = text[:rng.randrange(len(text) // 3, len(text) - 1)].replace("\n", "")
            text = text.split("\n")[0]
        x = rng.random()
        if pretty or x < 0.75:
            return text + "\n"
        return "%s INFO webhook body=%s remote=203.0.113.%d\n" % (
            self.log_ts(), text, rng.randrange(1, 255))

    def json_noise(self):
        self.tick()
        return ('{"ts":"%s","level":"info","logger":"http","msg":"request","method":"GET",'
                '"path":"/healthz","status":200,"duration_ms":%d}\n' % (
                    self.log_ts(), self.rng.randrange(0, 3)))

    def stack_trace(self):
        rng = self.rng
        self.tick()
        ts = self.log_ts()
        if rng.random() < 0.5:
            return (
                "%s ERROR [http-nio-8080-exec-%d] c.s.w.PostbackController : handler failed\n"
                "java.lang.IllegalStateException: queue full (capacity=10000)\n"
                "\tat com.example.webhook.Dispatcher.enqueue(Dispatcher.java:88)\n"
                "\tat com.example.webhook.PostbackController.receive(PostbackController.java:41)\n"
                "\tat jdk.internal.reflect.GeneratedMethodAccessor212.invoke(Unknown Source)\n"
                "\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:897)\n"
                "\t... 47 common frames omitted\n" % (ts, rng.randrange(40)))
        return (
            "%s ERROR worker crashed while storing delivery report\n"
            "Traceback (most recent call last):\n"
            '  File "/srv/app/worker.py", line 212, in handle\n'
            "    store(report)\n"
            '  File "/srv/app/db.py", line 57, in store\n'
            "    cur.execute(SQL_INSERT, row)\n"
            "psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "
            '"delivery_reports_trackingid_key"\n' % ts)


# Event tables per framing: (method name, weight).
FRAMINGS = {
    "mixed": [("log_line", 62), ("noise_line", 17), ("pretty_in_log", 7), ("json_line", 8),
              ("json_noise", 2), ("form_line", 1), ("wrapper_doc", 1), ("stack_trace", 1)],
    "log": [("log_line", 78), ("noise_line", 22)],
    "concat": [("pretty_doc", 1)],
    "json": [("json_line", 90), ("json_noise", 10)],
    "v2": [("v2_line", 90), ("json_noise", 10)],
}

# v1.3 names -> v2 names (DIALECTS.md 3); fields v2 lacks are absent.
V2_NAMES = {"ORIGIN": "origin", "CODE": "code", "STATUS": "status", "SENTAS": "sent-as",
            "MMSID": "mms-id", "FROM": "from", "FROM_MASK": "from-mask", "TO": "to",
            "TRACKINGID": "tracking-id", "SPID": "operator-id", "TIMESTAMP": "timestamp",
            "HANDSET": "handset", "STATUSDETAILS": "status-details", "TEXT": "message-text",
            "TRANSACTIONID": "tracking-id", "RECEIVED": "timestamp",
            "Status": "Status"}
V2_STATUS = {"Message Sent": "Sent", "Message Sent/Delivered": "Delivered",
             "Message Failed": "Failed", "Message Sent/Failed": "Rejected",
             "Message Sent/Expired": "Expired", "Message Sent/Rejected": "Rejected"}


def parse_size(s):
    s = s.strip().upper().removesuffix("B").removesuffix("I")
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    try:
        if s and s[-1] in mult:
            return int(float(s[:-1]) * mult[s[-1]])
        return int(s)
    except ValueError:
        raise argparse.ArgumentTypeError("bad size %r (use e.g. 500K, 100M, 1G)" % s)


def open_out(path, gz):
    raw = open(path, "wb")
    if gz:
        # mtime=0 and no file name keep the output reproducible
        return gzip.GzipFile(filename="", mode="wb", compresslevel=6, fileobj=raw, mtime=0), raw
    return raw, None


def write_meta(path, nbytes, g):
    meta = {"bytes": nbytes, "postbacks": g.postbacks, "invalid": g.invalid,
            "malformed": g.malformed}
    with open(path, "w") as f:
        json.dump(meta, f)
        f.write("\n")


def gen_file(args):
    g = Gen(args.seed, args.malformed_rate)
    target = args.size
    out, raw = open_out(args.out, args.gzip)
    written = 0
    buf = []
    pending = 0

    def flush():
        nonlocal written, buf, pending
        if buf:
            data = "".join(buf).encode("utf-8")
            out.write(data)
            written += len(data)
            buf = []
            pending = 0

    if args.framing == "wrapper":
        name = "BATCH"
        head = "<?xml version='1.0'?>\n<%s>\n" % name
        tail = "</%s>\n" % name
        buf.append(head)
        pending = len(head)
        budget = target - len(tail)
        pretty = g.pretty
        nextpb = g.next_postback
        while written + pending < budget:
            for _ in range(2000):
                g.tick()
                f, d = nextpb()
                s = pretty(f, d, base="  ")
                buf.append(s)
                pending += len(s)
                if written + pending >= budget:
                    break
            if pending >= CHUNK_CHARS:
                flush()
        buf.append(tail)
        flush()
    else:
        table = expand(FRAMINGS[args.framing])
        methods = {name: getattr(g, name) for name in set(table)}
        table = [methods[name] for name in table]
        choice = g.rng.choice
        while written + pending < target:
            for _ in range(2000):
                s = choice(table)()
                buf.append(s)
                pending += len(s)
                if written + pending >= target:
                    break
            if pending >= CHUNK_CHARS:
                flush()
        flush()

    out.close()
    if raw is not None:
        raw.close()
    write_meta(args.out + ".meta.json", written, g)
    print("wrote %d bytes, %d postbacks (%d invalid, %d malformed) to %s"
          % (written, g.postbacks, g.invalid, g.malformed, args.out), file=sys.stderr)


def gen_dir(args):
    g = Gen(args.seed, args.malformed_rate)
    rng = g.rng
    os.makedirs(args.dir, exist_ok=True)
    width = max(5, len(str(args.files - 1)))
    ext = ".xml.gz" if args.gzip else ".xml"
    written = 0
    for i in range(args.files):
        g.tick()
        f, d = g.next_postback()
        x = rng.random()
        nl = "\r\n" if rng.random() < 0.1 else "\n"
        if x < 0.80:
            text = "<?xml version='1.0'?>" + nl + g.pretty(f, d, nl=nl)
        elif x < 0.95:
            text = g.decl() + g.compact(f, d) + nl
        else:
            text = g.pretty(f, d, nl=nl)
        data = text.encode("utf-8")
        if rng.random() < 0.03:
            data = b"\xef\xbb\xbf" + data
        written += len(data)
        if args.gzip:
            data = gzip.compress(data, compresslevel=6, mtime=0)
        with open(os.path.join(args.dir, "%0*d%s" % (width, i, ext)), "wb") as fh:
            fh.write(data)
    d = args.dir.rstrip("/") or args.dir
    write_meta(d + ".meta.json", written, g)
    print("wrote %d bytes, %d postbacks (%d invalid, %d malformed) to %s (%d files)"
          % (written, g.postbacks, g.invalid, g.malformed, args.dir, args.files),
          file=sys.stderr)


LIFE_SPIDS = ["0001470", "0001890", "0001570", "0001650", "0001140", "0001770"]


def gen_lifecycle(args):
    """N messages' postbacks, interleaved by the time the webhook logs them."""
    import heapq
    from array import array
    rng = random.Random(args.seed)
    r = rng.random
    n = args.lifecycle
    out, raw = open_out(args.out, args.gzip)
    t0 = 1714557600  # 2024-05-01T10:00:00Z, in seconds
    heap = []  # (logged at, sequence, line text)
    seq = 0
    states = dict.fromkeys(["delivered", "failed", "expired", "rejected", "not_supported",
                            "submit_failed", "pending"], 0)
    latencies = array("q")
    postbacks = duplicates = orphans = fallback = 0
    written = 0
    buf = []

    def iso(ms):
        t = time.gmtime(ms // 1000)
        frac = ms % 1000
        body = "%04d-%02d-%02dT%02d:%02d:%02d" % t[:6]
        return body + (".%03dZ" % frac if frac else "Z")

    def emit(at_ms, origin, code, status, tid, ts_ms, spid, to, frm, extra=""):
        nonlocal seq, postbacks, duplicates
        text = ("<POSTBACK><ORIGIN>%s</ORIGIN><CODE>%s</CODE><STATUS>%s</STATUS>%s<FROM>%s</FROM>"
                "<TO>%s</TO><TRACKINGID>%s</TRACKINGID><SPID>%s</SPID><TIMESTAMP>%s</TIMESTAMP>"
                "</POSTBACK>" % (origin, code, status, extra, frm, to, tid, spid, iso(ts_ms)))
        copies = 1 + (rng.randrange(1, 6) if r() < 0.03 else 0)
        for k in range(copies):
            seq += 1
            heapq.heappush(heap, (at_ms + k * 300_000, seq, text))
        postbacks += copies
        duplicates += copies - 1

    def flush_until(ms):
        nonlocal written, buf
        while heap and heap[0][0] <= ms:
            at, _, text = heapq.heappop(heap)
            buf.append("%s INFO webhook body=%s\n" % (iso(at), text))
        if len(buf) >= 20000:
            data = "".join(buf).encode("utf-8")
            out.write(data)
            written += len(data)
            buf = []

    clock = t0 * 1000
    for i in range(n):
        clock += rng.randrange(1, 40)
        x = r()
        family = "sms" if x < 0.62 else "mms" if x < 0.97 else "ddm"
        origin = "SMS_MT" if family == "sms" else "MMS_MT"
        sent_code, final_ok = {"sms": ("N201", "N202"), "mms": ("N101", "N102"),
                               "ddm": ("N501", "N502")}[family]
        tid = base64.b64encode(b"%s_%d" % (family.upper().encode(), i)).decode("ascii")
        spid = rng.choice(LIFE_SPIDS)
        to = "1%03d%07d" % (rng.randrange(201, 990), rng.randrange(10000000))
        frm = rng.choice(SHORT_CODES)
        extra = "" if family == "sms" else "<SENTAS>MMS</SENTAS><MMSID>%d</MMSID>" % (30000 + i % 60000)
        sent_ms = clock - rng.randrange(0, 3000)
        y = r()
        if y < 0.02:
            states["submit_failed"] += 1
            code = {"sms": "E201", "mms": "E101", "ddm": "E501"}[family]
            details = "" if family == "sms" else "<STATUSDETAILS>Error fetching dynamic content</STATUSDETAILS>"
            emit(clock, origin, code, "Message Failed", tid, sent_ms, spid, to, frm, extra + details)
            flush_until(clock)
            continue
        # Latency: mostly seconds, a long tail of minutes and hours.
        z = r()
        if z < 0.80:
            lat = rng.randrange(1000, 30000)
        elif z < 0.97:
            lat = rng.randrange(30000, 900000)
        else:
            lat = rng.randrange(900000, 4 * 3600000)
        if r() > 0.05:
            lat -= lat % 1000  # most timestamps are whole seconds
        orphan = y >= 0.04 and r() < 0.005
        if not orphan:
            emit(clock, origin, sent_code, "Message Sent", tid, sent_ms, spid, to, frm, extra)
        if y < 0.04:
            states["pending"] += 1
        else:
            w = r()
            if w < 0.88:
                state, code, status = "delivered", final_ok, "Message Sent/Delivered"
            elif family == "sms":
                state, code, status = (("failed", "N202", "Message Sent/Failed") if w < 0.94 else
                                       ("expired", "E202", "Message Sent/Expired") if w < 0.98 else
                                       ("not_supported", "E202", "Message Sent/NotSupported"))
            else:
                e = "E102" if family == "mms" else "E502"
                state, code, status = (("rejected", e, "Message Sent/Rejected") if w < 0.94 else
                                       ("expired", e, "Message Sent/Expired") if w < 0.98 else
                                       ("failed", e, "Message Sent/Failed"))
            more = extra + "<AGGREGATORID>%s</AGGREGATORID>" % tid
            if family == "mms" and state == "delivered" and r() < 0.1:
                code = "N202"  # delivered as a fallback SMS
                fallback += 1
                more = more.replace("<SENTAS>MMS</SENTAS>", "<SENTAS>SMS</SENTAS>")
            elif code in ("N102", "N502"):
                more += "<HANDSET>%s</HANDSET>" % rng.choice(HANDSETS)
            elif code[0] == "E" and family != "sms":
                more += "<STATUSDETAILS>%s</STATUSDETAILS>" % rng.choice(STATUSDETAILS_FAIL)
            states[state] += 1
            final_ms = sent_ms + lat
            emit(clock + lat + rng.randrange(0, 2000), origin, code, status, tid, final_ms,
                 spid, to, frm, more)
            if orphan:
                orphans += 1
            else:
                latencies.append(lat)
        flush_until(clock)
    flush_until(float("inf"))
    data = "".join(buf).encode("utf-8")
    out.write(data)
    written += len(data)
    out.close()
    if raw is not None:
        raw.close()
    lat = sorted(latencies)

    def rank(q):
        if not lat:
            return None
        k = min(len(lat), max(1, -(-int(q * len(lat) * 1000000) // 1000000)))
        return lat[k - 1] / 1000.0

    meta = {"bytes": written, "postbacks": postbacks, "invalid": 0, "malformed": 0,
            "track": {"postbacks": postbacks, "tracked": postbacks - duplicates,
                      "duplicates": duplicates, "untracked": 0, "messages": n,
                      "states": states, "orphans": orphans, "fallback": fallback,
                      "latency_s": {"count": len(lat), "p50": rank(0.5), "p90": rank(0.9),
                                    "p99": rank(0.99), "max": lat[-1] / 1000.0 if lat else None}}}
    with open(args.out + ".meta.json", "w") as f:
        json.dump(meta, f)
        f.write("\n")
    print("wrote %d bytes, %d postbacks of %d messages to %s" % (written, postbacks, n, args.out),
          file=sys.stderr)


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Generate a realistic Skycore postback log dump for benchmarks.")
    p.add_argument("--size", type=parse_size, default=parse_size("100M"),
                   help="approximate output size (uncompressed), e.g. 10M, 1G (default 100M)")
    p.add_argument("--out", help="output file")
    p.add_argument("--dir", help="write one-postback files DIR/00000.xml ... instead")
    p.add_argument("--files", type=int, default=20000, help="number of files in --dir mode")
    p.add_argument("--lifecycle", type=int, metavar="N",
                   help="write the linked postbacks of N messages (for postback track) instead")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--framing", choices=["mixed", "log", "concat", "wrapper", "json", "v2"],
                   default="mixed")
    p.add_argument("--gzip", action="store_true", help="gzip the output (level 6)")
    p.add_argument("--malformed-rate", type=float, default=MALFORMED_RATE,
                   help="share of records made not well-formed (default %(default)s); "
                        "0 gives a corpus that whole-document XML tools can parse")
    args = p.parse_args(argv)
    if not 0 <= args.malformed_rate <= 1 - INVALID_RATE:
        p.error("--malformed-rate must be between 0 and %g" % (1 - INVALID_RATE))
    if bool(args.out) == bool(args.dir):
        p.error("give exactly one of --out FILE or --dir DIR")
    if args.lifecycle is not None:
        if args.dir or args.lifecycle < 1:
            p.error("--lifecycle N needs --out FILE and N >= 1")
        gen_lifecycle(args)
    elif args.dir:
        if args.files < 0:
            p.error("--files must be >= 0")
        gen_dir(args)
    else:
        gen_file(args)


if __name__ == "__main__":
    main()
