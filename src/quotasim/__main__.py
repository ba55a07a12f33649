from quotasim.cli.main import entry

entry()
