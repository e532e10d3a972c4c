"""A clean plugin: it uses only what the host grants (`fetch_temperature`) and math."""

import math


class Forecast:
    def __init__(self, city, celsius):
        self.city = city
        self._celsius = celsius

    @property
    def fahrenheit(self):
        return self._celsius * 9 / 5 + 32

    def describe(self):
        return "{0.city}: {1:.1f} F".format(self, self.fahrenheit)


def forecast(city):
    readings = [fetch_temperature(city) for _ in range(3)]
    return Forecast(city, math.fsum(readings) / len(readings))
