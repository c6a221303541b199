"""The Suppliers screen: the scored table, its model, the detail pane and its charts."""
