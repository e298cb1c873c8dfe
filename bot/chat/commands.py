"""Every command the bot has, once: `/help` on Discord and in the console is made from this table,
the console offers exactly these, and a test checks the Discord cog registers each of them.

To add a command: a row here, a method on `Replies` that makes its reply, and the cog's
`@commands.hybrid_command` that calls it (the console calls the method by the row's name).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str  # as typed after the slash: "ask", "story list"
    usage: str  # the arguments, as /help shows them
    help: str
    example: str = ""  # after the name; {name} and {scene} become one of the story's own
    discord_only: bool = False  # needs a server (its members, channels, permissions)
    elsewhere: str = ""  # how to do it without Discord, said when the console is asked


COMMANDS: tuple[Command, ...] = (
    Command("ask", "question", "Answers with the lines of the story that show it.", "who is {name}?"),
    Command("quote", "[character] [about]", "A random line, by someone or about something.", "{name}"),
    Command("scene", "keywords", "Finds a scene by what happens in it, where, or who is there.", "{scene}"),
    Command("character", "name", "Who they are in this story.", "{name}"),
    Command("characters", "", "Everyone in the story."),
    Command("summary", "[scene|chapter|story] [which]", "What happens, in the story's own words: a scene, "
            "a chapter (a number, “book 6 chapter 13”, a title) or the whole story.", "{scene}"),
    Command("timeline", "[characters]", "A picture of where characters appear.", "{name}"),
    Command("relations", "", "A picture of who talks to whom."),
    Command("story", "[info]", "This story's title, length and chapters."),
    Command("story list", "", "The stories I know."),
    Command("story use", "story", "Choose the story (on Discord: for the server; needs Manage Server)."),
    Command("story add", "file [name]", "Add a story to this server from an attached .txt, .md, .html or .epub "
            "file, e.g. an AO3 or FanFicFare download (Manage Server).", discord_only=True,
            elsewhere="From the command line: `storykeeper add FILE [--name N]`."),
    Command("story update", "file [story]", "A new version of an added story; readers keep their progress "
            "(Manage Server).", discord_only=True, elsewhere="From the command line: `storykeeper add FILE --name N`."),
    Command("story remove", "story", "Remove a story this server added (Manage Server).", discord_only=True,
            elsewhere="From the command line: `storykeeper remove NAME`."),
    Command("story share", "story", "Give this server's story to every server (the bot's owner only).",
            discord_only=True, elsewhere="From the command line: `storykeeper add FILE` adds for every server."),
    Command("game", "[start] [who-said|finish|which-scene] [rounds]", "A game in this channel from the story's "
            "own lines: who said it, finish the line, or which scene. First right answer scores.", "start who-said 5"),
    Command("game stop", "", "Stop this channel's game (its starter or a moderator)."),
    Command("game scores", "", "This server's best players, all time and this month.", discord_only=True),
    Command("daily", "[show]|set channel [time] [story]|off", "A quote of the day in a channel, at a time "
            "in UTC (Manage Server).", "set #general 09:00", discord_only=True),
    Command("progress", "[chapter]", "How far you have read: I never show you anything past it.", "3"),
    Command("ceiling", "chapter [server|channel|default]", "A spoiler limit for everyone here "
            "(Manage Server / Manage Channels).", "5 channel", discord_only=True),
    Command("settings", "show|prefix|here|cooldown", "This server's prefix, the channels I answer in, "
            "its cooldown (Manage Server / Manage Channels).", "here answer:true", discord_only=True),
    Command("help", "", "What I can do, with examples."),
)


def find(typed: str) -> tuple[Command | None, str]:
    """The command a line starts with (the longest name that fits) and the rest of the line."""
    words = typed.split()
    lowered = [w.lower() for w in words]
    for size in (2, 1):
        name = " ".join(lowered[:size])
        for command in COMMANDS:
            if command.name == name:
                return command, " ".join(words[size:])
    return None, typed
