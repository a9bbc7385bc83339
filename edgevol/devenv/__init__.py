"""Local development and test environment: Ceph sites, RabbitMQ, PostgreSQL
and the edgevol services, started and stopped by PID without systemd."""
