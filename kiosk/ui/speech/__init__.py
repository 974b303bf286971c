"""Read-aloud: the words each screen says, and the text-to-speech engine that says them."""
