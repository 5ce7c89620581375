"""One package per area: bp in __init__, thin views, forms."""
