def hello(name):
    return 'Hi, ' + name + ' from a sibling'
