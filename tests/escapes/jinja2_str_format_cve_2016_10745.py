# Escape: a format template reaches module globals through a bound method ({event.__init__.__globals__[CONFIG]})
# Source: http://lucumr.pocoo.org/2016/12/29/careful-with-str-format/ (Jinja2 2.8.1, CVE-2016-10745)
# Expect: OC302

CONFIG = {"SECRET_KEY": "s3cr3t"}


class Event:
    def __init__(self, title):
        self.title = title


page = "Event: {event.title} {event.__init__.__globals__[CONFIG]}".format(event=Event("launch"))
