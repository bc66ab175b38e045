"""One module per `aiwf` verb: `add_arguments(parser)` and `run(args) -> exit code`."""
