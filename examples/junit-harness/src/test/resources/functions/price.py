def user_function(quantity):
    if quantity < 0:
        raise ValueError("quantity must not be negative")
    unit = 10 if quantity < 10 else 8
    return quantity * unit
