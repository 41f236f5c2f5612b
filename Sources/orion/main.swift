import OrionCommands

await OrionCommand.runFromCommandLine()
