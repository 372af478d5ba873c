"""Pure building blocks for every service's domain core: errors, state machines, time."""
