"""`kiosk bench`: speed, memory and scale of the kiosk, each beside a floor measured in the same run."""
