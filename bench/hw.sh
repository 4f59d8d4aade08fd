#!/bin/sh
# Prints the hardware line, the PostgreSQL version and the settings that matter for the
# workloads. Sourced by the bench scripts; needs psql and ORGLIFE_BENCH_DSN.
echo "hardware: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(uname -sr), $(go env GOVERSION)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
psql "$ORGLIFE_BENCH_DSN" -Atc "SELECT version()"
psql "$ORGLIFE_BENCH_DSN" -Atc "SELECT name || '=' || setting || coalesce(unit, '') FROM pg_settings WHERE name IN
  ('shared_buffers','work_mem','maintenance_work_mem','effective_cache_size','synchronous_commit','fsync','wal_level',
   'max_wal_size','checkpoint_timeout','jit','max_parallel_workers_per_gather','random_page_cost') ORDER BY name" | tr '\n' ' '
echo
