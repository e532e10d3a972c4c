# Escape: the coroutine variant: an exposed async method's cr_frame reaches the defining module's globals
# Source: https://github.com/danthedeckie/simpleeval/issues/138 (coroutine variant: cr_frame)
# Expect: OC201


class Service:
    async def fetch(self):
        return 1


host_globals = Service().fetch().cr_frame.f_globals
