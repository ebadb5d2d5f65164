"""Community voice and alignment: advisory bodies and their public meetings, county community
health assessments and improvement plans (CHA/CHIP) and their priorities, equity dimensions as
versioned reference data, and the reinvestment plans a plan submits to its regulator."""
