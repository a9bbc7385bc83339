"""The ceph.conf of one single-node development site.

Every value here was measured to matter on a 2-core machine without
systemd (see the project's environment notes): a short paxos interval makes
start-up take seconds instead of 15, small caches keep a site near 400 MiB,
and daemon logs/sockets/PID files live in the daemon sections so that
clients do not each create their own.
"""

GLOBAL_OPTIONS = {
    "public_addr": "127.0.0.1",
    "cluster_addr": "127.0.0.1",
    "public_network": "127.0.0.0/8",
    "cluster_network": "127.0.0.0/8",
    "auth_cluster_required": "cephx",
    "auth_service_required": "cephx",
    "auth_client_required": "cephx",
    "auth_allow_insecure_global_id_reclaim": "false",
    "mon_warn_on_insecure_global_id_reclaim_allowed": "false",
    "osd_pool_default_size": "1",
    "osd_pool_default_min_size": "1",
    "mon_allow_pool_size_one": "true",
    "mon_warn_on_pool_no_redundancy": "false",
    "osd_crush_chooseleaf_type": "0",
    "osd_pool_default_pg_num": "8",
    "osd_pool_default_pgp_num": "8",
    "osd_pool_default_pg_autoscale_mode": "off",
    # Default 1.0 s makes every map change wait; start-up 14.5 s -> 2.5 s.
    "paxos_propose_interval": "0.1",
    # The mon stops itself when its disk is 95 % full; dev disks often are.
    "mon_data_avail_warn": "2",
    "mon_data_avail_crit": "1",
    "log_to_stderr": "false",
    "err_to_stderr": "false",
    "mon_memory_target": "256M",
    "rocksdb_cache_size": "32M",
    "ms_async_op_threads": "2",
    "mgr_initial_modules": "iostat",
    # Daemons report stats to the mgr every second, not 5: capacity (df)
    # is right soon after start-up and after writes.
    "mgr_stats_period": "1",
    "mgr_tick_period": "1",
    # Clients (rbd CLI, qemu-img, apps) must never hang forever.
    "rados_osd_op_timeout": "60",
    "rados_mon_op_timeout": "30",
    "client_mount_timeout": "10",
    # A dead client's watch goes away in 5 s instead of 30.
    "osd_client_watch_timeout": "5",
}

OSD_OPTIONS = {
    "osd_op_num_shards": "2",
    "osd_op_num_threads_per_shard": "1",
}

MEMSTORE_OPTIONS = {
    "osd_objectstore": "memstore",
}

BLUESTORE_OPTIONS = {
    "osd_objectstore": "bluestore",
    "bluestore_block_create": "true",
    "bluestore_fsck_on_mkfs": "false",
    "bluestore_fsck_on_mount": "false",
}


def _section(name, options):
    lines = ["[%s]" % name]
    lines += ["%s = %s" % (key, value) for key, value in options.items()]
    return "\n".join(lines) + "\n"


def _daemon_files(paths):
    """Log, admin socket and PID file of one daemon kind."""
    return {
        "log_file": "%s/$cluster-$name.log" % paths["log_dir"],
        "admin_socket": "%s/$cluster-$name.asok" % paths["run_dir"],
        "pid_file": "%s/$cluster-$name.pid" % paths["run_dir"],
    }


def _osd_options(paths, objectstore, size_bytes):
    options = {"osd_data": "%s/osd/$cluster-$id" % paths["base_dir"],
               "keyring": "$osd_data/keyring"}
    options.update(_daemon_files(paths))
    options.update(OSD_OPTIONS)
    if objectstore == "memstore":
        options.update(MEMSTORE_OPTIONS)
        # Reported as the OSD's size, not enforced (see environment notes).
        options["memstore_device_bytes"] = str(size_bytes)
    else:
        options.update(BLUESTORE_OPTIONS)
        options["bluestore_block_size"] = str(size_bytes)
    return options


def render(fsid, mon_host, port_range, paths, objectstore, size_bytes,
           client_keyrings, address=None):
    """ceph.conf text.

    ``paths`` holds base_dir, log_dir, run_dir and mgr_module_dir;
    ``client_keyrings`` maps a client name without ``client.`` to its
    keyring path; ``address``, if given, is the one address the daemons
    bind (a site behind ``edgevol-dev up --wan``) instead of 127.0.0.1.
    """
    global_options = {"fsid": fsid, "mon_host": mon_host,
                      "ms_bind_port_min": str(port_range[0]),
                      "ms_bind_port_max": str(port_range[1]),
                      "run_dir": paths["run_dir"],
                      "crash_dir": "%s/crash" % paths["base_dir"]}
    global_options.update(GLOBAL_OPTIONS)
    if address:
        global_options.update({
            "public_addr": address, "cluster_addr": address,
            "public_network": address + "/32",
            "cluster_network": address + "/32"})
    mon = {"mon_data": "%s/mon/$cluster-$id" % paths["base_dir"],
           "mon_cluster_log_file": "%s/$cluster.log" % paths["log_dir"]}
    mon.update(_daemon_files(paths))
    mgr = {"mgr_data": "%s/mgr/$cluster-$id" % paths["base_dir"],
           "mgr_module_path": paths["mgr_module_dir"],
           "keyring": "$mgr_data/keyring"}
    mgr.update(_daemon_files(paths))
    text = _section("global", global_options)
    text += "\n" + _section("mon", mon)
    text += "\n" + _section("osd", _osd_options(paths, objectstore,
                                                size_bytes))
    text += "\n" + _section("mgr", mgr)
    for client, keyring in client_keyrings.items():
        text += "\n" + _section("client.%s" % client, {"keyring": keyring})
    return text
