"""The fire drill (`aiwf drill`): the plan's alerts fired through a real Prometheus and a real
Alertmanager on loopback, against a synthetic service and webhook stand-ins for the channels.

`run.run_drill` runs it; `design` decides what each input does in each phase; `compressed`
writes the time-compressed configs; `exporter` and `webhook` are the loopback stand-ins;
`processes` starts and stops the servers. Nothing here imports Textual or Rich.
"""
