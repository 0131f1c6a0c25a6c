"""What operators see of a running Vigor: Prometheus metrics (`metrics`), OpenTelemetry spans
(`tracing`) and JSON log lines (`json_logs`). Nothing here imports a web framework; the
/metrics route itself is in `vigor_app/api.py` (docs/operations.md, "Metrics, traces and logs")."""
