#!/usr/bin/env python3
"""Helpers of scripts/peer-bench.sh (standard library only).

  peer-plans.py plans --bench-json F --plaza-url U --lemmy-url U --lemmy-ids F --jwt-secret S
                      --hostname H --out DIR
      writes DIR/plaza-plan.json and DIR/lemmy-plan.json: the same four scenarios for both
      products, in the plan format of `plaza bench --plan` (tools/src/plan.rs).
  peer-plans.py table PLAZA_REPORT LEMMY_REPORT
      prints the side-by-side Markdown table with the Plaza / Lemmy ratios.

Lemmy 0.17 takes its login token (a JWT, HS256, claims sub = local_user id, iss = hostname,
iat) in the JSON body (`auth`). Signing in 2,000 accounts through /api/v3/user/login would cost
2,000 bcrypt hashes (minutes on 2 cores), so the tokens are issued here with the instance's
own secret (table `secret`), exactly as Lemmy's `Claims::jwt` makes them.
"""

import argparse
import base64
import hashlib
import hmac
import json
import sys
import time
from pathlib import Path

PAGE = 20  # Plaza's page size; Lemmy is asked for the same number of items.


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def lemmy_jwt(local_user_id: int, secret: str, hostname: str, iat: int) -> str:
    header = b64(json.dumps({"typ": "JWT", "alg": "HS256"}, separators=(",", ":")).encode())
    claims = b64(
        json.dumps({"sub": local_user_id, "iss": hostname, "iat": iat}, separators=(",", ":")).encode()
    )
    signing_input = f"{header}.{claims}".encode()
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return f"{header}.{claims}.{b64(signature)}"


def plans(args: argparse.Namespace) -> None:
    bench = json.loads(Path(args.bench_json).read_text())
    ids = json.loads(Path(args.lemmy_ids).read_text())
    community = bench["communities"][0][0]
    busy, hot = bench["busy_post"], bench["hot_post"]
    plaza = {
        "product": "Plaza",
        "url": args.plaza_url,
        "scenarios": [
            {
                "name": "community_newest_posts",
                "requests": [{"method": "GET", "path": f"/api/v1/communities/{community}/posts"}],
            },
            {
                "name": "post_with_comments",
                "requests": [
                    {"method": "GET", "path": f"/api/v1/posts/{busy}"},
                    {"method": "GET", "path": f"/api/v1/posts/{busy}/comments"},
                ],
            },
            {
                "name": "create_post",
                "tokens": bench["tokens"],
                "requests": [
                    {
                        "method": "POST",
                        "path": f"/api/v1/communities/{community}/posts",
                        "body": '{"body":"Benchmark post {n}","feeling":1}',
                        "bearer": True,
                    }
                ],
            },
            {
                "name": "vote_storm_one_post",
                "tokens": bench["tokens"],
                "each_token_once": True,
                "requests": [{"method": "PUT", "path": f"/api/v1/posts/{hot}/yeah", "bearer": True}],
                "check": {"path": f"/api/v1/posts/{hot}", "pointer": "/post/yeah_count"},
            },
        ],
    }
    now = int(time.time())
    tokens = [lemmy_jwt(u, args.jwt_secret, args.hostname, now) for u in ids["token_users"]]
    c, b, h = ids["community"], ids["busy_post"], ids["hot_post"]
    lemmy = {
        "product": "Lemmy 0.17.4",
        "url": args.lemmy_url,
        "scenarios": [
            {
                "name": "community_newest_posts",
                "requests": [
                    {
                        "method": "GET",
                        "path": f"/api/v3/post/list?community_id={c}&sort=New&type_=All&limit={PAGE}",
                    }
                ],
            },
            {
                "name": "post_with_comments",
                "requests": [
                    {"method": "GET", "path": f"/api/v3/post?id={b}"},
                    {
                        "method": "GET",
                        "path": f"/api/v3/comment/list?post_id={b}&sort=New&type_=All&limit={PAGE}",
                    },
                ],
            },
            {
                "name": "create_post",
                "tokens": tokens,
                "requests": [
                    {
                        "method": "POST",
                        "path": "/api/v3/post",
                        "body": f'{{"name":"Benchmark post {{n}}","community_id":{c},"auth":"{{token}}"}}',
                    }
                ],
            },
            {
                "name": "vote_storm_one_post",
                "tokens": tokens,
                "each_token_once": True,
                "requests": [
                    {
                        "method": "POST",
                        "path": "/api/v3/post/like",
                        "body": f'{{"post_id":{h},"score":1,"auth":"{{token}}"}}',
                    }
                ],
                "check": {"path": f"/api/v3/post?id={h}", "pointer": "/post_view/counts/upvotes"},
            },
        ],
    }
    out = Path(args.out)
    (out / "plaza-plan.json").write_text(json.dumps(plaza, indent=1))
    (out / "lemmy-plan.json").write_text(json.dumps(lemmy, indent=1))


def table(args: argparse.Namespace) -> None:
    plaza = json.loads(Path(args.plaza).read_text())
    lemmy = json.loads(Path(args.lemmy).read_text())
    by_name = {o["name"]: o for o in lemmy["outcomes"]}
    print(
        f"{plaza['cores']} cores ({plaza['cpu']}), {plaza['concurrency']} clients, "
        f"{plaza['seconds_per_scenario']:.0f} s per scenario and product\n"
    )
    print(
        "| scenario | Plaza per s | Plaza p50 / p99 ms | Plaza errors | Lemmy per s "
        "| Lemmy p50 / p99 ms | Lemmy errors | Plaza ÷ Lemmy (per s) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for p in plaza["outcomes"]:
        l = by_name.get(p["name"])
        if l is None:
            continue
        ratio = p["per_second"] / l["per_second"] if l["per_second"] else float("inf")
        print(
            f"| {p['name']} | {p['per_second']:,.0f} | {p['p50_ms']:.1f} / {p['p99_ms']:.1f} "
            f"| {p['errors']} | {l['per_second']:,.0f} | {l['p50_ms']:.1f} / {l['p99_ms']:.1f} "
            f"| {l['errors']} | **{ratio:.2f}×** |"
        )
    for p in plaza["outcomes"]:
        l = by_name.get(p["name"], {})
        if p.get("checked") is not None or l.get("checked") is not None:
            print(
                f"\n{p['name']}: {p['iterations'] - p['errors']} votes given to Plaza, its post "
                f"shows {p.get('checked')}; {l.get('iterations', 0) - l.get('errors', 0)} given "
                f"to Lemmy, its post shows {l.get('checked')} upvotes."
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("plans")
    p.add_argument("--bench-json", required=True)
    p.add_argument("--plaza-url", required=True)
    p.add_argument("--lemmy-url", required=True)
    p.add_argument("--lemmy-ids", required=True)
    p.add_argument("--jwt-secret", required=True)
    p.add_argument("--hostname", required=True)
    p.add_argument("--out", required=True)
    t = sub.add_parser("table")
    t.add_argument("plaza")
    t.add_argument("lemmy")
    args = parser.parse_args()
    {"plans": plans, "table": table}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
