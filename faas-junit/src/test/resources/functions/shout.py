def user_function(text):
    return text.upper()
