// The Inventory module. See ../shared/design.md for what it owns.
