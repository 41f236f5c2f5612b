import OrionCommands

await OrionCommand.main()
