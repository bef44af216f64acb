"""Write the decode benchmark's input: one GET /rest/api/orders/ page of 512 orders, each with
items, three addresses, a payment and a note, about 1 MB, in the shape of the official samples
(tests/fixtures/orders_list.200.json, orders_get.200.json). Deterministic, so every run and
every client decodes the same bytes.

    python3 make_page.py OUT_FILE
"""
import json
import random
import sys

CITIES = ["Kraków", "Warszawa", "Gdańsk", "Wrocław", "Poznań", "Łódź", "Lublin", "Szczecin"]
NAMES = ["Jan Kowalski", "Anna Nowak", "Piotr Wiśniewski", "Katarzyna Wójcik", "Tomasz Kamiński"]
PRODUCTS = ["Samsung Galaxy S20 Plus Black 128GB 5G", "Kabel USB-C 2m", "Etui skórzane",
            "Ładowarka 65W GaN", "Słuchawki bezprzewodowe ANC", "Szkło hartowane 9H"]


def address(rng, n):
    return {
        "id": n,
        "name": rng.choice(NAMES),
        "phone": "+48 5%02d %03d %03d" % (rng.randrange(100), rng.randrange(1000),
                                         rng.randrange(1000)),
        "email": "klient%d@example.com" % n,
        "streetName": "Testowa",
        "streetNumber": "%d/%d" % (rng.randrange(1, 200), rng.randrange(1, 50)),
        "city": rng.choice(CITIES),
        "zipCode": "%02d-%03d" % (rng.randrange(100), rng.randrange(1000)),
        "country": "PL",
        "department": None,
        "class": rng.choice(["house", "company"]),
        "companyTaxNumber": None,
        "companyName": None,
    }


def item(rng, n):
    price = "%d.%02d" % (rng.randrange(5, 3000), rng.randrange(100))
    return {
        "id": n,
        "idExternal": str(rng.randrange(100000)),
        "ean": "%012d" % rng.randrange(10 ** 12),
        "sku": "SKU-%05d" % rng.randrange(100000),
        "originalName": rng.choice(PRODUCTS),
        "originalCode": "CODE-%04d" % rng.randrange(10000),
        "originalPriceWithTax": price,
        "originalPriceWithoutTax": price,
        "media": None,
        "quantity": rng.randrange(1, 5),
        "tax": "23.00",
        "productSet": None,
        "status": 1,
        "unit": "Szt.",
        "type": 1,
        "productId": rng.randrange(1, 100000),
    }


def order(rng, n):
    stamp = "2024-%02d-%02dT%02d:%02d:%02d+0200" % (rng.randrange(1, 13), rng.randrange(1, 29),
                                                   rng.randrange(24), rng.randrange(60),
                                                   rng.randrange(60))
    total = "%d.%02d" % (rng.randrange(10, 9000), rng.randrange(100))
    return {
        "id": "AL%09d" % n,
        "status": rng.randrange(1, 12),
        "idExternal": "WWW/%d/2024" % n,
        "isInvoice": rng.random() < 0.3,
        "customerLogin": "login%d" % n,
        "paymentStatus": rng.randrange(4),
        "paymentType": rng.randrange(1, 6),
        "originalCurrency": "PLN",
        "originalAmountTotalWithoutTax": total,
        "originalAmountTotalWithTax": total,
        "originalAmountTotalPaid": total,
        "sendDateMin": stamp,
        "sendDateMax": stamp,
        "isEncrypted": False,
        "createdAt": stamp,
        "updatedAt": stamp,
        "orderedAt": stamp,
        "orderItems": [item(rng, n * 10 + k) for k in range(rng.randrange(1, 4))],
        "orderPayments": [{
            "idExternal": "PAY-%d" % n, "amount": total, "paymentDate": stamp, "type": 2,
            "comment": None,
        }],
        "orderNotes": [{"type": 2, "createdAt": stamp, "comment": "Proszę o szybką wysyłkę."}],
        "addressCustomer": address(rng, n * 3),
        "addressDelivery": address(rng, n * 3 + 1),
        "addressInvoice": address(rng, n * 3 + 2),
        "carrierAccount": rng.randrange(1, 20),
        "platformId": rng.randrange(1, 10),
        "isCanceledByBuyer": False,
        "carrierId": rng.randrange(1, 20),
        "platformAccountId": rng.randrange(1, 10),
    }


def main():
    rng = random.Random(512)
    orders = [order(rng, 231100000 + n) for n in range(512)]
    page = {"orders": orders, "totalCount": 512, "currentOffset": 0, "pageResultCount": 512}
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        json.dump(page, f, ensure_ascii=False, separators=(",", ":"))


if __name__ == "__main__":
    main()
