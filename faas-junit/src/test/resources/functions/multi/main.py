from lib import greeting

def user_function(name):
    return greeting.hello(name)
