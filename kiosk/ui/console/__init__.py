"""The reception console: staff sign in, work the queue of patient requests, and account for it."""
