#!/usr/bin/env python3
"""Write a capture of linked message lifecycles with every case `track` counts:
delivered, failed, expired, submit failures, pending, orphans, retried
(duplicate) postbacks, conflicting finals, clock skew and MMS delivered as a
fallback SMS, over a few carriers, as log lines.

    python3 tests/engines/gen_capture.py --messages 3000 --out capture.log [--seed 7]

Standard library only; the output is a pure function of the arguments.
"""

import argparse
import datetime
import random

SPIDS = ["0001470", "0001890", "0001140", "0001500", "0007000"]
EPOCH = datetime.datetime(2024, 5, 1, tzinfo=datetime.timezone.utc)


def stamp(seconds, rng):
    at = EPOCH + datetime.timedelta(seconds=seconds)
    # Some in UTC, some with an offset: the same instant either way.
    if rng.random() < 0.5:
        return at.strftime("%Y-%m-%dT%H:%M:%SZ")
    local = at.astimezone(datetime.timezone(datetime.timedelta(hours=-5)))
    return local.strftime("%Y-%m-%dT%H:%M:%S-05:00")


def postback(origin, code, status, tracking_id, spid, seconds, rng, sent_as=None):
    fields = [("ORIGIN", origin), ("CODE", code), ("STATUS", status)]
    if sent_as:
        fields.append(("SENTAS", sent_as))
    if origin == "MMS_MT":
        fields.append(("MMSID", str(rng.randint(1, 10**6))))
    fields += [
        ("FROM", "60856"),
        ("TO", "1650%07d" % rng.randint(0, 10**7 - 1)),
        ("TRACKINGID", tracking_id),
        ("SPID", spid),
        ("TIMESTAMP", stamp(seconds, rng)),
    ]
    body = "".join("<%s>%s</%s>" % (k, v, k) for k, v in fields)
    return "<POSTBACK>%s</POSTBACK>" % body


def lifecycle(i, rng):
    """The postbacks of one message, in the order they arrive."""
    spid = rng.choice(SPIDS)
    sent_at = rng.randint(0, 3 * 86400)
    latency = int(rng.expovariate(1 / 90.0)) + 1
    mms = rng.random() < 0.3
    tid = "%s-%06d" % ("m" if mms else "s", i)
    origin = "MMS_MT" if mms else "SMS_MT"
    sent = ("N101", "Message Sent") if mms else ("N201", "Message Sent")
    outcome = rng.choices(
        ["delivered", "failed", "expired", "submit_failed", "pending", "orphan",
         "conflict", "skew", "fallback"],
        [70, 8, 4, 3, 5, 3, 2, 2, 3])[0]
    finals = {
        "delivered": ("N102", "Message Sent/Delivered") if mms else ("N202", "Message Sent/Delivered"),
        "failed": ("E102", "Message Sent/Failed") if mms else ("N202", "Message Sent/Failed"),
        "expired": ("E102", "Message Sent/Expired") if mms else ("E202", "Message Sent/Expired"),
    }
    out = []
    if outcome == "submit_failed":
        code = "E101" if mms else "E201"
        out.append(postback(origin, code, "Message Failed", tid, spid, sent_at, rng))
    elif outcome == "fallback":
        tid = "m-%06d" % i
        out.append(postback("MMS_MT", "N101", "Message Sent", tid, spid, sent_at, rng))
        out.append(postback("MMS_MT", "N102", "Message Sent/Delivered", tid, spid,
                            sent_at + latency, rng, sent_as="SMS"))
    else:
        if outcome != "orphan":
            out.append(postback(origin, *sent, tid, spid, sent_at, rng))
        if outcome in ("delivered", "failed", "expired", "orphan"):
            final = finals["delivered" if outcome == "orphan" else outcome]
            out.append(postback(origin, *final, tid, spid, sent_at + latency, rng))
        elif outcome == "conflict":
            out.append(postback(origin, *finals["failed"], tid, spid, sent_at + latency, rng))
            out.append(postback(origin, *finals["delivered"], tid, spid,
                                sent_at + latency + 60, rng))
        elif outcome == "skew":
            out.append(postback(origin, *finals["delivered"], tid, spid, sent_at - 30, rng))
    # The provider retries when the webhook did not answer: the same postback again.
    if out and rng.random() < 0.08:
        out.append(out[rng.randrange(len(out))])
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    lines = []
    for i in range(args.messages):
        for body in lifecycle(i, rng):
            lines.append(body)
    # Postbacks arrive interleaved, not message by message.
    rng.shuffle(lines)
    with open(args.out, "w") as f:
        for n, body in enumerate(lines):
            f.write("2024-05-04T00:00:%02dZ INFO webhook body=%s\n" % (n % 60, body))


if __name__ == "__main__":
    main()
