"""edgevol-bench: benchmarks against the running environment (make run)."""

import argparse
import json
import os
import sys

import requests

from edgevol.bench import attach
from edgevol.bench import backup_service
from edgevol.bench import backups
from edgevol.bench import churn
from edgevol.bench import create
from edgevol.bench import encryption
from edgevol.bench import images
from edgevol.bench import migrate
from edgevol.bench import snapshots
from edgevol.bench import stats
from edgevol.bench import wan
from edgevol.drivers import rbd_encryption
from edgevol import periodic

MiB = 1024 ** 2
PROJECT = "bench-project"
TOKEN = "bench:%s" % PROJECT


def _default_status():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    state = os.environ.get("EDGEVOL_STATE_DIR",
                           os.path.join(repo, ".edgevol-dev"))
    return os.environ.get("EDGEVOL_DEV_STATUS",
                          os.path.join(state, "status.json"))


def _lift_quota(endpoint):
    response = requests.put(
        "%s/os-quota-sets/%s" % (endpoint, PROJECT), timeout=30,
        headers={"X-Auth-Token": "admin:admin"},
        json={"quota_set": {"volumes": -1, "gigabytes": -1,
                            "snapshots": -1}})
    response.raise_for_status()


def _environment(args):
    """(status, the benchmarked site, the API endpoint) of ``--status``,
    with the bench project's quota lifted."""
    with open(args.status) as status_file:
        status = json.load(status_file)
    site = next(s for s in status["sites"] if s["name"] == args.site)
    endpoint = status["api"]["endpoint"]
    _lift_quota(endpoint)
    return status, site, endpoint


def run_create(args):
    if args.wan is None:
        return _run_create(args)
    with open(args.status) as status_file:
        links = wan.Links(json.load(status_file))
    with links.round_trip_time(args.wan):
        return _run_create(args, links)


def run_wan(args):
    status, site, endpoint = _environment(args)
    links = wan.Links(status)
    host = "compute-%s" % args.site
    attach.register_host(endpoint, "admin:admin", host, args.site)
    operations = wan.Operations(endpoint, TOKEN, site["availability_zone"],
                                args.poll_interval)
    image_id = wan.site_image(status, site, status["glance"]["endpoint"])
    with links.round_trip_time(args.wan):
        rtt_ms = links.counters(args.site)["rtt_ms"]
        samples = wan.run(links, operations, args.site, host, image_id,
                          args.count)
    stats.print_table("edgevol across the WAN (site %s, RTT %.0f ms)" % (
        args.site, rtt_ms), wan.rows(samples, rtt_ms))
    stats.write_json(args.json, {
        "site": args.site, "rtt_ms": rtt_ms,
        "operations": {name: wan.summary(pairs)
                       for name, pairs in samples.items()}})
    return 0


def _run_create(args, links=None):
    status, site, endpoint = _environment(args)
    raw = create.raw_rbd_create(site, args.count)
    paced = create.raw_rbd_create(site, args.count, create.RAW_PACE_S)
    observed, available_at = create.sequential(
        endpoint, TOKEN, site["availability_zone"], args.count,
        args.poll_interval)
    rate, errors, latencies, ids, wall = create.parallel(
        endpoint, TOKEN, site["availability_zone"], args.clients,
        args.per_client, args.concurrent_poll_interval)
    create.delete_all(endpoint, TOKEN, ids, args.clients)
    raw_s, paced_s = stats.summary_ms(raw), stats.summary_ms(paced)
    seen_s, made_s = stats.summary_ms(observed), stats.summary_ms(available_at)
    par_s = stats.summary_ms(latencies)
    ratios = {
        "available_at_vs_paced": made_s["p50_ms"] / paced_s["p50_ms"],
        "observed_vs_paced": seen_s["p50_ms"] / paced_s["p50_ms"],
        "observed_vs_back_to_back": seen_s["p50_ms"] / raw_s["p50_ms"]}
    stats.print_table("edgevol create benchmark (site %s)" % args.site, [
        ("raw rbd create p50, back to back", "%.2f ms" % raw_s["p50_ms"],
         "p95 %.2f ms, n=%d" % (raw_s["p95_ms"], raw_s["n"])),
        ("raw rbd create p50, one at a time", "%.2f ms" % paced_s["p50_ms"],
         "p95 %.2f ms, n=%d, %d ms apart" % (
             paced_s["p95_ms"], paced_s["n"], create.RAW_PACE_S * 1000)),
        ("stack create->available p50", "%.2f ms" % made_s["p50_ms"],
         "p95 %.2f ms, n=%d (sequential; until the server made it "
         "available)" % (made_s["p95_ms"], made_s["n"])),
        ("stack create->seen available p50", "%.2f ms" % seen_s["p50_ms"],
         "p95 %.2f ms (the same creates as the client saw them, polling "
         "every %g ms)" % (seen_s["p95_ms"], args.poll_interval * 1000)),
        ("stack / raw one at a time", "%.1fx" % ratios[
            "available_at_vs_paced"], "goal <= 5x"),
        ("stack seen / raw one at a time", "%.1fx" % ratios[
            "observed_vs_paced"], "with the client's polling"),
        ("stack seen / raw back to back", "%.1fx" % ratios[
            "observed_vs_back_to_back"], "the strictest pairing"),
        ("%d clients throughput" % args.clients, "%.1f vol/s" % rate,
         "goal >= 50/s; %d volumes in %.1f s" % (len(ids), wall)),
        ("%d clients errors" % args.clients, str(len(errors)), "goal 0"),
        ("%d clients latency p50" % args.clients,
         "%.2f ms" % par_s["p50_ms"], "p95 %.2f ms" % par_s["p95_ms"]),
    ])
    wan_samples = {}
    if links is not None:
        rtt_ms = links.counters(args.site)["rtt_ms"]
        wan_samples = wan.create_round_trips(links, wan.Operations(
            endpoint, TOKEN, site["availability_zone"], args.poll_interval),
            args.site, min(args.count, 10))
        stats.print_table("across the WAN (RTT %.0f ms)" % rtt_ms,
                          wan.rows(wan_samples, rtt_ms))
    stats.write_json(args.json, {
        "wan": {name: wan.summary(pairs)
                for name, pairs in wan_samples.items()},
        "site": args.site, "raw_rbd_create_back_to_back": raw_s,
        "raw_rbd_create_one_at_a_time": paced_s,
        "raw_pace_s": create.RAW_PACE_S,
        "stack_create_available_at": made_s,
        "stack_create_seen_by_client": seen_s,
        "poll_interval_s": args.poll_interval,
        "ratios_p50": {k: round(v, 2) for k, v in ratios.items()},
        "concurrent": {"clients": args.clients, "volumes": len(ids),
                       "wall_s": round(wall, 2),
                       "volumes_per_s": round(rate, 2),
                       "errors": len(errors), "first_errors": errors[:5],
                       "latency": par_s}})
    return 0


def run_snapshots(args):
    status, site, endpoint = _environment(args)
    client = snapshots.Client(endpoint, TOKEN, args.poll_interval)
    samples, parents = snapshots.run(client, site, args.count,
                                     args.mib_per_gib)
    snapshots.cleanup(client, parents)
    summary = {key: stats.summary_ms(values)
               for key, values in samples.items()}
    ratio = summary["clone_20g"]["p50_ms"] / summary["clone_1g"]["p50_ms"]
    stats.print_table("edgevol snapshot benchmark (site %s)" % args.site, [
        ("snapshot create p50", "%.2f ms" % summary["snapshot"]["p50_ms"],
         "p95 %.2f ms, n=%d" % (summary["snapshot"]["p95_ms"],
                                summary["snapshot"]["n"])),
        ("clone of 1 GiB parent p50",
         "%.2f ms" % summary["clone_1g"]["p50_ms"],
         "p95 %.2f ms (%d MiB of data)" % (summary["clone_1g"]["p95_ms"],
                                           args.mib_per_gib)),
        ("clone of 20 GiB parent p50",
         "%.2f ms" % summary["clone_20g"]["p50_ms"],
         "p95 %.2f ms (%d MiB of data)" % (summary["clone_20g"]["p95_ms"],
                                           20 * args.mib_per_gib)),
        ("20 GiB / 1 GiB clone p50", "%.2fx" % ratio, "goal <= 1.2 (O(1))"),
        ("revert p50", "%.2f ms" % summary["revert"]["p50_ms"],
         "p95 %.2f ms (1 GiB volume)" % summary["revert"]["p95_ms"]),
    ])
    stats.write_json(args.json, dict(summary, site=args.site,
                                     clone_ratio_p50=round(ratio, 2),
                                     mib_per_gib=args.mib_per_gib))
    return 0


def run_attach(args):
    status, site, endpoint = _environment(args)
    host = "bench-compute-%s" % args.site
    attach.register_host(endpoint, "admin:admin", host,
                         site["availability_zone"])
    client = attach.Client(endpoint, TOKEN, args.poll_interval)
    samples = attach.run(client, site["availability_zone"], host,
                         args.count)
    summary = {key: stats.summary_ms(values)
               for key, values in samples.items()}
    cinder_ms = attach.CINDER_ATTACH_MEAN_S * 1000
    rows = [(name, "%.2f ms" % summary[key]["p50_ms"],
             "p95 %.2f ms, mean %.2f ms, n=%d" % (
                 summary[key]["p95_ms"], summary[key]["mean_ms"],
                 summary[key]["n"]))
            for key, name in (
                ("attach", "attach p50 (create+update+complete)"),
                ("attach_one_call_connect",
                 "attach p50 (create w/ connector+complete)"),
                ("detach", "detach p50 (delete -> available)"))]
    rows.append(("Cinder published attach mean", "%.0f ms" % cinder_ms,
                 "for scale: %.0fx our attach mean" % (
                     cinder_ms / summary["attach"]["mean_ms"])))
    stats.print_table("edgevol attach benchmark (site %s)" % args.site, rows)
    stats.write_json(args.json, dict(summary, site=args.site,
                                     cinder_attach_mean_ms=cinder_ms))
    return 0


def run_images(args):
    with open(args.status) as status_file:
        status = json.load(status_file)
    sites = {s["name"]: s for s in status["sites"]}
    endpoint = status["api"]["endpoint"]
    _lift_quota(endpoint)
    client = images.Client(endpoint, TOKEN, args.poll_interval)
    glance = images.Glance(status["glance"]["endpoint"], args.poll_interval)
    samples, copies = images.run(
        client, glance, sites[args.site], sites[args.remote_site],
        sites[args.copy_site], args.count, args.mib_per_gib,
        args.concurrent)
    s = {key: stats.summary_ms(values) for key, values in samples.items()}
    size_ratio = s["image_20g"]["p50_ms"] / s["image_1g"]["p50_ms"]
    blank_ratio = s["image_20g"]["p50_ms"] / s["blank"]["p50_ms"]
    small_blank_ratio = s["image_1g"]["p50_ms"] / s["blank"]["p50_ms"]
    stats.print_table("edgevol image benchmark (site %s)" % args.site, [
        ("blank 1 GiB create p50", "%.2f ms" % s["blank"]["p50_ms"],
         "p95 %.2f ms, n=%d" % (s["blank"]["p95_ms"], s["blank"]["n"])),
        ("from 1 GiB image p50", "%.2f ms" % s["image_1g"]["p50_ms"],
         "p95 %.2f ms, n=%d" % (s["image_1g"]["p95_ms"],
                                s["image_1g"]["n"])),
        ("from 20 GiB image p50", "%.2f ms" % s["image_20g"]["p50_ms"],
         "p95 %.2f ms, n=%d" % (s["image_20g"]["p95_ms"],
                                s["image_20g"]["n"])),
        ("20 GiB / 1 GiB image p50", "%.2fx" % size_ratio,
         "goal <= 1.2 (O(1))"),
        ("1 GiB image / blank p50", "%.2fx" % small_blank_ratio,
         "goal <= 2"),
        ("20 GiB image / blank p50", "%.2fx" % blank_ratio, "goal <= 2"),
        ("first volume, image not at %s" % args.remote_site,
         "%.2f ms" % s["first_remote"]["p50_ms"],
         "p50 of %d concurrent creates, copy included (max %.2f ms)" % (
             args.concurrent, s["first_remote"]["max_ms"])),
        ("plain copy-image to %s" % args.copy_site,
         "%.2f ms" % s["plain_copy"]["p50_ms"], "Glance alone, same image"),
        ("copy-image tasks into %s" % args.remote_site, str(copies),
         "goal 1 for %d concurrent creates" % args.concurrent),
    ])
    stats.write_json(args.json, dict(
        s, site=args.site, remote_site=args.remote_site,
        copy_site=args.copy_site, ratio_20g_1g=round(size_ratio, 2),
        ratio_20g_blank=round(blank_ratio, 2),
        ratio_1g_blank=round(small_blank_ratio, 2), image_copies=copies,
        concurrent=args.concurrent, mib_per_gib=args.mib_per_gib))
    return 0


def _late_reports(status, site_name):
    """Lines of the site's volume service log where a periodic task
    started more than an interval late (``edgevol.periodic`` logs each)."""
    log = os.path.join(status["state_dir"], "logs",
                       "edgevol-volume-%s.log" % site_name)
    try:
        with open(log, errors="replace") as log_file:
            return sum(periodic.LATE_RUN in line and " late " in line
                       for line in log_file)
    except OSError:
        return None


def run_churn(args):
    status, site, endpoint = _environment(args)
    meter = churn.CpuMeter(status, site)
    late_before = _late_reports(status, args.site)
    phases = churn.stack_churn(
        endpoint, TOKEN, site["availability_zone"], args.count,
        args.clients, args.poll_interval, meter,
        status["database"]["connection"])
    late_after = _late_reports(status, args.site)
    raw = churn.raw_churn(site, args.count, args.clients)
    create, delete = phases["create"], phases["delete"]
    c_lat, d_lat = (stats.summary_ms(create.pop("latencies")),
                    stats.summary_ms(delete.pop("latencies")))
    raw_c, raw_r = (stats.summary_ms(raw["create"].pop("latencies")),
                    stats.summary_ms(raw["remove"].pop("latencies")))
    late = (None if late_before is None or late_after is None
            else late_after - late_before)
    rows = [
        ("creates/s", "%.1f" % create["per_s"], "%d done, %d errors" % (
            create["done"], create["errors"])),
        ("deletes/s", "%.1f" % delete["per_s"], "%d done, %d errors" % (
            delete["done"], delete["errors"])),
        ("deletes/s / creates/s", "%.2f" % (
            delete["per_s"] / max(create["per_s"], 1e-9)), "goal >= 0.8"),
        ("create->available p50", "%.1f ms" % c_lat["p50_ms"],
         "p95 %.1f ms" % c_lat["p95_ms"]),
        ("delete->gone p50", "%.1f ms" % d_lat["p50_ms"],
         "p95 %.1f ms" % d_lat["p95_ms"]),
        ("raw rbd create p50 (same concurrency)", "%.1f ms" % raw_c[
            "p50_ms"], "%.1f/s" % raw["create"]["per_s"]),
        ("raw rbd remove p50 (same concurrency)", "%.1f ms" % raw_r[
            "p50_ms"], "%.1f/s" % raw["remove"]["per_s"]),
        ("delete p50 / raw remove p50", "%.2fx" % (
            d_lat["p50_ms"] / max(raw_r["p50_ms"], 1e-9)), "goal <= 3"),
        ("CPU per create, all processes", "%.1f ms" % create[
            "cpu_ms_per_volume_total"], "goal <= 30 ms"),
        ("CPU per delete, all processes", "%.1f ms" % delete[
            "cpu_ms_per_volume_total"], "goal <= 50 ms"),
    ]
    for name in sorted(create["cpu_ms_per_volume"]):
        rows.append(("  CPU %s" % name, "%.1f / %.1f ms" % (
            create["cpu_ms_per_volume"][name],
            delete["cpu_ms_per_volume"].get(name, 0)), "create / delete"))
    rows += [
        ("DB sessions opened per volume", "%s / %s" % (
            create["db_sessions_per_volume"],
            delete["db_sessions_per_volume"]),
         "create / delete phase; goal <= 0.1"),
        ("periodic tasks that ran late", str(late),
         "site %s volume service log" % args.site),
    ]
    stats.print_table("edgevol churn benchmark (site %s, %d volumes, %d "
                      "clients)" % (args.site, args.count, args.clients),
                      rows)
    stats.write_json(args.json, {
        "site": args.site, "count": args.count, "clients": args.clients,
        "create": dict(create, latency=c_lat),
        "delete": dict(delete, latency=d_lat),
        "raw_create": dict(raw["create"], latency=raw_c),
        "raw_remove": dict(raw["remove"], latency=raw_r),
        "late_periodic_tasks": late})
    return 0


def run_backups(args):
    with open(args.status) as status_file:
        status = json.load(status_file)
    if args.through_api:
        return run_backups_through_api(args, status)
    with backups.Clusters(status, args.site, args.target_site) as clusters:
        results = backups.run(clusters, args.clones, args.full_rounds)
    rows, summary = backups.rows(results)
    return _report_backups(args, clusters, rows, summary, "")


def run_backups_through_api(args, status):
    endpoint = status["api"]["endpoint"]
    _lift_quota(endpoint)
    requests.put("%s/os-quota-sets/%s" % (endpoint, PROJECT), timeout=30,
                 headers={"X-Auth-Token": "admin:admin"},
                 json={"quota_set": {"backups": -1, "backup_gigabytes": -1}}
                 ).raise_for_status()
    client = backup_service.Client(endpoint, TOKEN, args.poll_interval)
    sizes = {"volume_gib": args.volume_gib, "written": args.written_mib * MiB,
             "changed": args.changed_mib * MiB}
    with backups.Clusters(status, args.site, args.target_site) as clusters:
        zones = {role: clusters.sites[name]["availability_zone"]
                 for role, name in (("source", args.site),
                                    ("target", args.target_site),
                                    ("store", clusters.store_name))}
        results = backup_service.run(client, clusters, zones, args.clones,
                                     sizes, args.full_rounds)
    rows, summary = backup_service.rows(results, args.volume_gib)
    return _report_backups(args, clusters, rows, summary, " through the API")


def _report_backups(args, clusters, rows, summary, how):
    stats.print_table("edgevol backup benchmark%s (%s -> store at %s, "
                      "restores into %s and %s)" % (
                          how, args.site, clusters.store_name,
                          args.target_site, clusters.store_name), rows)
    stats.write_json(args.json, dict(summary, site=args.site,
                                     target_site=args.target_site,
                                     store_site=clusters.store_name,
                                     through_api=bool(how)))
    return 0


def run_encryption(args):
    status, site, endpoint = _environment(args)
    zone = site["availability_zone"]
    vtype = encryption.ensure_type(endpoint, "admin:admin")
    client = create.Client(endpoint, TOKEN, args.poll_interval)
    plain, ids = encryption.sequential(client, zone, args.count)
    encrypted, more = encryption.sequential(client, zone, args.count, vtype)
    ids += more
    manager_pid = next(row["pid"] for row in status["services"]
                       if row["name"] == "edgevol-volume-%s" % args.site)
    load = encryption.under_load(endpoint, TOKEN, zone, vtype, manager_pid,
                                 args.clients, args.per_client,
                                 args.concurrent_poll_interval,
                                 args.poll_interval)
    ids += load["ids"]
    formatted, their_load, our_load, format_rss = encryption.librbd_format(
        site)
    create.delete_all(endpoint, TOKEN, ids, args.clients)
    s = {"plain": stats.summary_ms(plain),
         "encrypted": stats.summary_ms(encrypted),
         "encrypted_under_load": stats.summary_ms(load["encrypted"]),
         "blank_under_load": stats.summary_ms(load["blank"])}
    mib = 1024 * 1024
    extra = (load["rss_tree_peak"] - load["rss_baseline"]) / mib
    blank_ratio = s["blank_under_load"]["p50_ms"] / s["plain"]["p50_ms"]
    stats.print_table("edgevol encryption benchmark (site %s)" % args.site, [
        ("plain create p50", "%.2f ms" % s["plain"]["p50_ms"],
         "p95 %.2f ms, n=%d" % (s["plain"]["p95_ms"], s["plain"]["n"])),
        ("encrypted create p50", "%.2f ms" % s["encrypted"]["p50_ms"],
         "p95 %.2f ms, n=%d; goal <= 1000 ms" % (
             s["encrypted"]["p95_ms"], s["encrypted"]["n"])),
        ("librbd encryption_format (LUKS2)", "%.2f ms" % (formatted * 1000),
         "1 GiB image, this process grew %.0f MiB" % (format_rss / mib)),
        ("encryption_load: librbd's header", "%.2f ms" % (their_load * 1000),
         "argon2 at libcryptsetup's benchmark cost"),
        ("encryption_load: edgevol's header", "%.2f ms" % (our_load * 1000),
         "pbkdf2, %d iterations" % rbd_encryption.KDF_ITERATIONS),
        ("volume manager RSS, idle", "%.1f MiB" % (
            load["rss_baseline"] / mib), "pid %d" % manager_pid),
        ("volume manager RSS peak", "%.1f MiB" % (load["rss_peak"] / mib),
         "during %d concurrent encrypted creates" % args.clients),
        ("... with its cryptsetup children", "%.1f MiB" % (
            load["rss_tree_peak"] / mib),
         "+%.1f MiB over idle; goal <= 64 MiB" % extra),
        ("encrypted create p50 under load",
         "%.2f ms" % s["encrypted_under_load"]["p50_ms"],
         "p95 %.2f ms, n=%d, errors %d" % (
             s["encrypted_under_load"]["p95_ms"],
             s["encrypted_under_load"]["n"], len(load["errors"]))),
        ("blank create p50 meanwhile",
         "%.2f ms" % s["blank_under_load"]["p50_ms"],
         "p95 %.2f ms, n=%d" % (s["blank_under_load"]["p95_ms"],
                                s["blank_under_load"]["n"])),
        ("blank under load / idle p50", "%.2fx" % blank_ratio,
         "goal <= 1.2"),
    ])
    stats.write_json(args.json, dict(
        s, site=args.site, clients=args.clients, per_client=args.per_client,
        librbd_encryption_format_ms=round(formatted * 1000, 2),
        librbd_format_process_growth_mib=round(format_rss / mib, 1),
        encryption_load_librbd_header_ms=round(their_load * 1000, 2),
        encryption_load_edgevol_header_ms=round(our_load * 1000, 2),
        manager_rss_idle_mib=round(load["rss_baseline"] / mib, 1),
        manager_rss_peak_mib=round(load["rss_peak"] / mib, 1),
        manager_tree_rss_peak_mib=round(load["rss_tree_peak"] / mib, 1),
        manager_extra_mib=round(extra, 1),
        blank_under_load_vs_idle_p50=round(blank_ratio, 2),
        errors=load["errors"][:5]))
    return 0


def run_migrate(args):
    with open(args.status) as status_file:
        status = json.load(status_file)
    with migrate.Clusters(status, args.site, args.target_site) as clusters:
        results = migrate.run(clusters)
    rows, summary = migrate.rows(results)
    stats.print_table("edgevol migration benchmark (%s -> %s, read as "
                      "client.%s)" % (args.site, args.target_site,
                                      results["reader"]), rows)
    stats.write_json(args.json, dict(summary, site=args.site,
                                     target_site=args.target_site))
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="edgevol-bench")
    parser.add_argument("--status", default=_default_status(),
                        help="status.json of the running environment")
    sub = parser.add_subparsers(dest="benchmark", required=True)
    create_parser = sub.add_parser("create", help="volume create latency "
                                   "and throughput")
    create_parser.add_argument("--site", default="site1")
    create_parser.add_argument("--count", type=int, default=50)
    create_parser.add_argument("--clients", type=int, default=32)
    create_parser.add_argument("--per-client", type=int, default=10)
    create_parser.add_argument(
        "--poll-interval", type=float, default=0.002,
        help="seconds between status polls of the sequential client")
    # Many clients polling every 2 ms would measure the API's GET capacity
    # rather than creates; 50 ms is still far below what clients use.
    create_parser.add_argument(
        "--concurrent-poll-interval", type=float, default=0.05,
        help="seconds between status polls of each concurrent client")
    create_parser.add_argument(
        "--wan", default=None, metavar="RTT",
        help="every WAN link at RTT (e.g. 50ms) for the run, and round "
             "trips and WAN bytes per create and delete (needs "
             "edgevol-dev up --wan)")
    create_parser.add_argument("--json", default=".bench/create.json")
    create_parser.set_defaults(func=run_create)
    wan_parser = sub.add_parser(
        "wan", help="latency, round trips and WAN bytes of create, "
        "snapshot, clone, create from a site-local image, attach, detach, "
        "backup and delete (needs edgevol-dev up --wan)")
    wan_parser.add_argument("--site", default="site1")
    wan_parser.add_argument("--count", type=int, default=5)
    wan_parser.add_argument("--wan", default=None, metavar="RTT",
                            help="every WAN link at RTT for the run")
    wan_parser.add_argument("--poll-interval", type=float, default=0.002)
    wan_parser.add_argument("--json", default=".bench/wan.json")
    wan_parser.set_defaults(func=run_wan)
    snap_parser = sub.add_parser("snapshots", help="snapshot create, "
                                 "clone-from-snapshot and revert latency")
    snap_parser.add_argument("--site", default="site1")
    snap_parser.add_argument("--count", type=int, default=20)
    snap_parser.add_argument("--mib-per-gib", type=int, default=4,
                             help="data written per GiB of each parent")
    snap_parser.add_argument("--poll-interval", type=float, default=0.002)
    snap_parser.add_argument("--json", default=".bench/snapshots.json")
    snap_parser.set_defaults(func=run_snapshots)
    attach_parser = sub.add_parser(
        "attach", help="attach (create+update+complete) and detach "
        "latency through the stack")
    attach_parser.add_argument("--site", default="site1")
    attach_parser.add_argument("--count", type=int, default=30)
    attach_parser.add_argument("--poll-interval", type=float, default=0.002)
    attach_parser.add_argument("--json", default=".bench/attach.json")
    attach_parser.set_defaults(func=run_attach)
    images_parser = sub.add_parser(
        "images", help="volumes from Glance images: local (1 and 20 GiB), "
        "first in a site without the image, copies made")
    images_parser.add_argument("--site", default="site1")
    images_parser.add_argument("--remote-site", default="site2",
                               help="a site whose store lacks the image")
    images_parser.add_argument("--copy-site", default="central",
                               help="store of the plain copy-image timing")
    images_parser.add_argument("--count", type=int, default=20)
    images_parser.add_argument("--concurrent", type=int, default=5,
                               help="creates at once in --remote-site")
    images_parser.add_argument("--mib-per-gib", type=int, default=4,
                               help="data in each image per GiB")
    images_parser.add_argument("--poll-interval", type=float, default=0.002)
    images_parser.add_argument("--json", default=".bench/images.json")
    images_parser.set_defaults(func=run_images)
    churn_parser = sub.add_parser(
        "churn", help="N volumes created then deleted by C clients: rates, "
        "latency, CPU per volume per process, DB sessions, raw rbd")
    churn_parser.add_argument("--site", default="site1")
    churn_parser.add_argument("--count", type=int, default=200)
    churn_parser.add_argument("--clients", type=int, default=32)
    churn_parser.add_argument("--poll-interval", type=float, default=0.05)
    churn_parser.add_argument("--json", default=".bench/churn.json")
    churn_parser.set_defaults(func=run_churn)
    backups_parser = sub.add_parser(
        "backups", help="backup data path on the real clusters: full, "
        "incremental, restore elsewhere and by COW clone, next to raw "
        "librbd copies")
    backups_parser.add_argument("--site", default="site1",
                                help="site of the backed-up volume")
    backups_parser.add_argument("--target-site", default="site2",
                                help="site restored into by copy")
    backups_parser.add_argument("--clones", type=int, default=20,
                                help="clone restores timed per backup size")
    backups_parser.add_argument(
        "--full-rounds", type=int, default=3,
        help="full backups, each between two raw deep copies; the median "
        "ratio is reported")
    backups_parser.add_argument(
        "--through-api", action="store_true",
        help="through the API and the backup services (request to "
        "available), next to the same raw librbd copies")
    backups_parser.add_argument("--volume-gib", type=int, default=4,
                                help="--through-api: size of the volume")
    backups_parser.add_argument("--written-mib", type=int, default=1024,
                                help="--through-api: data before the full "
                                "backup")
    backups_parser.add_argument("--changed-mib", type=int, default=64,
                                help="--through-api: data changed before "
                                "the incremental")
    backups_parser.add_argument("--poll-interval", type=float,
                                default=0.01)
    backups_parser.add_argument("--json", default=".bench/backups.json")
    backups_parser.set_defaults(func=run_backups)
    encryption_parser = sub.add_parser(
        "encryption", help="encrypted creates: latency next to plain ones "
        "and to librbd's own format, the volume manager's memory and blank "
        "create latency while encrypted creates run")
    encryption_parser.add_argument("--site", default="site1")
    encryption_parser.add_argument("--count", type=int, default=20)
    encryption_parser.add_argument("--clients", type=int, default=8,
                                   help="encrypted creates at once")
    encryption_parser.add_argument("--per-client", type=int, default=3)
    encryption_parser.add_argument("--poll-interval", type=float,
                                   default=0.002)
    encryption_parser.add_argument(
        "--concurrent-poll-interval", type=float, default=0.05,
        help="seconds between status polls of each encrypted client "
        "under load")
    encryption_parser.add_argument("--json", default=".bench/encryption.json")
    encryption_parser.set_defaults(func=run_encryption)
    migrate_parser = sub.add_parser(
        "migrate", help="migration data path on the real clusters, across "
        "sites and within one, next to a raw librbd deep_copy")
    migrate_parser.add_argument("--site", default="site1",
                                help="site the volume leaves")
    migrate_parser.add_argument("--target-site", default="site2",
                                help="site the volume moves to")
    migrate_parser.add_argument("--json", default=".bench/migrate.json")
    migrate_parser.set_defaults(func=run_migrate)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
