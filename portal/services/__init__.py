"""The client portal's rules: accounts and their links here, booking in its own module."""
