"""The Planning screen: each brand's split across its channels, what-if scenarios, their tables and charts."""
