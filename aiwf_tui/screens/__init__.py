"""The app's screens: one section view per step of Phase 5, plus the gate and menu screens."""
