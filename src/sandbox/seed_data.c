/*
 * Word lists of the order generator: customers from Poland and other EU countries, with the
 * diacritics, zip code and phone formats of each country, and a small product catalogue.
 * Lists are '|'-separated; a "male/female" pair gives both forms of a surname.
 */
#include "seed_data.h"

const sbx_country sbx_countries[] = {
    {"PL", "PLN", 70, "NN-NNN", "+48 PNN NNN NNN", "578",
     "Jan|Piotr|Krzysztof|Andrzej|Tomasz|Paweł|Michał|Łukasz|Marcin|Grzegorz|Jakub|Mateusz|"
     "Wojciech|Bartłomiej|Zbigniew|Jarosław|Kacper|Szymon",
     "Anna|Maria|Katarzyna|Małgorzata|Agnieszka|Barbara|Ewa|Krystyna|Magdalena|Joanna|Zofia|"
     "Aleksandra|Natalia|Żaneta|Urszula|Jadwiga|Bożena|Łucja",
     "Nowak|Kowalski/Kowalska|Wiśniewski/Wiśniewska|Wójcik|Kowalczyk|Kamiński/Kamińska|"
     "Lewandowski/Lewandowska|Zieliński/Zielińska|Szymański/Szymańska|Woźniak|"
     "Dąbrowski/Dąbrowska|Kozłowski/Kozłowska|Jankowski/Jankowska|Mazur|Krawczyk|"
     "Piotrowski/Piotrowska|Grabowski/Grabowska|Pawłowski/Pawłowska|Michalski/Michalska|Król|"
     "Wieczorek|Jabłoński/Jabłońska|Wróbel|Majewski/Majewska|Olszewski/Olszewska|Stępień|"
     "Jaworski/Jaworska|Malinowski/Malinowska|Dudek|Górski/Górska|Sikora|Baran|Duda|Szewczyk|"
     "Pietrzak|Marciniak|Zalewski/Zalewska|Jasiński/Jasińska|"
     "Bąk|Włodarczyk|Sokołowski/Sokołowska|"
     "Kaźmierczak|Cieślak|Głowacki/Głowacka|Kołodziej|"
     "Ziółkowski/Ziółkowska|Przybylski/Przybylska",
     "Warszawa:0|Kraków:3|Gdańsk:80|Wrocław:5|Poznań:6|"
     "Łódź:9|Szczecin:7|Lublin:20|Katowice:40|"
     "Białystok:15|Rzeszów:35|Toruń:87|Kielce:25|Olsztyn:10|Bydgoszcz:85|Zielona Góra:65|"
     "Opole:45|Częstochowa:42|Gdynia:81|Bielsko-Biała:43|Nowy Sącz:33|Zakopane:34",
     "Marszałkowska|Długa|Polna|Leśna|Słoneczna|"
     "Krótka|Szkolna|Ogrodowa|Lipowa|Brzozowa|Łąkowa|"
     "Kwiatowa|Tadeusza Kościuszki|Adama Mickiewicza|Józefa Piłsudskiego|3 Maja|"
     "Stefana Żeromskiego|Juliusza Słowackiego|Wojska Polskiego|Różana|Źródlana|Grunwaldzka",
     "gmail.com|wp.pl|onet.pl|o2.pl|interia.pl|op.pl"},
    {"DE", "EUR", 8, "NNNNN", "+49 15N NNNNNNN", "",
     "Lukas|Jonas|Felix|Maximilian|Jürgen|Stefan|Björn|Jörg|Uwe|Matthias",
     "Sophie|Marie|Lena|Käthe|Anna|Jülide|Hannah|Lea|Ursula|Sabine",
     "Müller|Schmidt|Schneider|Fischer|Weber|Meyer|Wagner|Becker|Schäfer|Koch|Bauer|Richter|"
     "Klein|Wolf|Schröder|Neumann|Schwarz|Zimmermann|Braun|Krüger|Hofmann|Köhler|Krause",
     "Berlin:1|München:8|Köln:5|Hamburg:2|Frankfurt am Main:6|Düsseldorf:4|Leipzig:04|"
     "Dresden:01|Nürnberg:9|Görlitz:02",
     "Hauptstraße|Bahnhofstraße|Schulstraße|Gartenstraße|Dorfstraße|Bergstraße|Lindenstraße|"
     "Goethestraße|Schillerstraße|Mühlenweg",
     "gmail.com|web.de|gmx.de|t-online.de"},
    {"CZ", "CZK", 5, "NNN NN", "+420 NNN NNN NNN", "",
     "Jiří|Petr|Tomáš|Jan|Lukáš|Martin|Ondřej|Václav",
     "Jana|Tereza|Lucie|Kateřina|Veronika|Hana|Eliška|Zdeňka",
     "Novák/Nováková|Svoboda/Svobodová|Novotný/Novotná|Dvořák/Dvořáková|Černý/Černá|"
     "Procházka/Procházková|Kučera/Kučerová|"
     "Veselý/Veselá|Horák/Horáková|Němec/Němcová",
     "Praha:1|Brno:6|Ostrava:7|Plzeň:3|Liberec:46|Olomouc:77|České Budějovice:37",
     "Národní|Vodičkova|Masarykova|Palackého|Husova|Nádražní|Žižkova",
     "seznam.cz|email.cz|gmail.com|centrum.cz"},
    {"SK", "EUR", 3, "NNN NN", "+421 9NN NNN NNN", "", "Ján|Peter|Martin|Michal|Juraj|Ľubomír",
     "Mária|Zuzana|Katarína|Lucia|Ľudmila|Žofia",
     "Horváth/Horváthová|Kováč/Kováčová|Varga/Vargová|Tóth/Tóthová|Nagy/Nagyová|"
     "Baláž/Balážová|Szabó/Szabóová",
     "Bratislava:8|Košice:04|Prešov:08|Žilina:010|Nitra:949|Banská Bystrica:974",
     "Hlavná|Štúrova|Mierová|Obchodná|Námestie SNP", "gmail.com|azet.sk|zoznam.sk"},
    {"LT", "EUR", 2, "LT-NNNNN", "+370 6NN NNNNN", "", "Jonas|Tomas|Mantas|Lukas|Mindaugas",
     "Rūta|Ieva|Eglė|Gintarė|Austėja",
     "Kazlauskas/Kazlauskienė|Jankauskas/Jankauskienė|Petrauskas/Petrauskienė|"
     "Stankevičius/Stankevičienė|Vasiliauskas/Vasiliauskienė",
     "Vilnius:0|Kaunas:4|Klaipėda:9|Šiauliai:7", "Gedimino pr.|"
     "Laisvės al.|Žalgirio g.|Vilniaus g.",
     "gmail.com|one.lt|inbox.lt"},
    {"FR", "EUR", 3, "NNNNN", "+33 6 NN NN NN NN", "", "Jean|Pierre|Théo|Louis|Hugo|Étienne",
     "Chloé|Léa|Camille|Inès|Zoé|Hélène",
     "Martin|Bernard|Dubois|Thomas|Robert|Lefèvre|Girard|Lemaître|Rousseau|Fontaine",
     "Paris:75|Lyon:69|Marseille:13|Toulouse:31|Nantes:44|Besançon:25|Nîmes:30",
     "Rue de la République|Rue Victor Hugo|Avenue Jean Jaurès|Rue de l'Église|Rue du Moulin",
     "gmail.com|orange.fr|free.fr|laposte.net"},
    {"IT", "EUR", 3, "NNNNN", "+39 3NN NNN NNNN", "", "Marco|Luca|Giuseppe|Niccolò|Andrea|Matteo",
     "Giulia|Francesca|Chiara|Sofia|Aurora|Martina",
     "Rossi|Russo|Ferrari|Esposito|Bianchi|Romano|Colombo|Ricci|Marino|Greco",
     "Roma:00|Milano:20|Napoli:80|Torino:10|Forlì:47|Bologna:40",
     "Via Roma|Via Garibaldi|Via Giuseppe Verdi|Corso Vittorio Emanuele II|Via Dante",
     "gmail.com|libero.it|virgilio.it"},
    {"ES", "EUR", 2, "NNNNN", "+34 6NN NNN NNN", "", "José|Antonio|Javier|Álvaro|Iñigo",
     "María|Lucía|Sofía|Inés|Begoña",
     "García|Martínez|López|Sánchez|Pérez|Gómez|Muñoz|Jiménez|Fernández|Núñez",
     "Madrid:28|Barcelona:08|Valencia:46|Sevilla:41|Málaga:29|A Coruña:15",
     "Calle Mayor|Calle Real|Avenida de la Constitución|Calle de Alcalá|Calle Nueva",
     "gmail.com|hotmail.es|yahoo.es"},
    {"NL", "EUR", 2, "NNNN AA", "+31 6 NNNNNNNN", "", "Daan|Sem|Lucas|Bram|Thijs",
     "Emma|Julia|Sanne|Fleur|Anouk",
     "de Jong|Jansen|de Vries|van den Berg|van Dijk|Bakker|Visser|Smit",
     "Amsterdam:10|Rotterdam:30|Utrecht:35|Den Haag:25|Eindhoven:56",
     "Kerkstraat|Dorpsstraat|Molenweg|Stationsweg|Julianastraat", "gmail.com|ziggo.nl|kpnmail.nl"},
    {"AT", "EUR", 2, "NNNN", "+43 6NN NNNNNNN", "", "Lukas|Florian|Tobias|Jakob|Günther",
     "Anna|Hannah|Sophie|Lena|Theresia",
     "Gruber|Huber|Bauer|Wagner|Müller|Pichler|Steiner|Moser|Höfler",
     "Wien:1|Graz:8|Linz:4|Salzburg:5|Innsbruck:6|Klagenfurt:9",
     "Hauptplatz|Kirchengasse|Mariahilfer Straße|Schönbrunner Straße|Bahnhofstraße",
     "gmail.com|gmx.at|aon.at"},
};
const int sbx_country_count = (int)(sizeof sbx_countries / sizeof sbx_countries[0]);

const sbx_product sbx_products[] = {
    {"Samsung Galaxy A54 5G 128GB Czarny", 159900, 23, "Szt."},
    {"Słuchawki bezprzewodowe JBL Tune 510BT", 17999, 23, "Szt."},
    {"Kabel USB-C – USB-C 1 m", 2999, 23, "Szt."},
    {"Ładowarka sieciowa 20 W", 6900, 23, "Szt."},
    {"Etui silikonowe do iPhone 13", 3990, 23, "Szt."},
    {"Kubek termiczny 450 ml", 5999, 23, "Szt."},
    {"Zestaw noży kuchennych 5 el.", 14900, 23, "Kpl."},
    {"Patelnia ceramiczna 28 cm", 11900, 23, "Szt."},
    {"Czajnik elektryczny 1,7 l", 9999, 23, "Szt."},
    {"Książka: Pan Tadeusz – Adam Mickiewicz", 2490, 5, "Szt."},
    {"Książka: Lalka – Bolesław Prus", 2990, 5, "Szt."},
    {"Miód wielokwiatowy 1 kg", 4500, 5, "Szt."},
    {"Oliwa z oliwek extra virgin 1 l", 5990, 5, "Szt."},
    {"Witamina D3 2000 j.m., 120 kapsułek", 3499, 8, "Op."},
    {"Storczyk w doniczce", 6999, 8, "Szt."},
    {"Karma sucha dla psa 12 kg", 19900, 8, "Szt."},
    {"Bluza z kapturem męska, rozmiar L", 14999, 23, "Szt."},
    {"Sukienka letnia w kwiaty, rozmiar M", 12900, 23, "Szt."},
    {"Buty sportowe, rozmiar 42", 25900, 23, "Para"},
    {"Plecak miejski 25 l", 18900, 23, "Szt."},
    {"Lampka biurkowa LED", 8990, 23, "Szt."},
    {"Klocki konstrukcyjne 500 el.", 11999, 23, "Kpl."},
    {"Pluszowy miś 40 cm", 4999, 23, "Szt."},
    {"Gra planszowa Wsiąść do Pociągu: Europa", 16900, 23, "Szt."},
    {"Żwirek dla kota 10 l", 3499, 23, "Szt."},
    {"Wiertarko-wkrętarka 18 V z dwoma akumulatorami", 34900, 23, "Szt."},
    {"Zestaw śrubokrętów 12 el.", 5900, 23, "Kpl."},
    {"Krem nawilżający do twarzy 50 ml", 4500, 23, "Szt."},
    {"Szampon do włosów 400 ml", 1999, 23, "Szt."},
    {"Kawa ziarnista 1 kg", 7900, 23, "Szt."},
};
const int sbx_product_count = (int)(sizeof sbx_products / sizeof sbx_products[0]);

const char *const sbx_note_texts[] = {
    "Proszę o szybką wysyłkę, to prezent.",
    "Klient prosi o fakturę na firmę.",
    "Paczkę zostawić u sąsiada pod nr 5.",
    "Bitte vor 12 Uhr liefern.",
    "I'll ask for delivery next week at the earliest",
    "Zadzwonić przed dostawą.",
};
const int sbx_note_text_count = (int)(sizeof sbx_note_texts / sizeof sbx_note_texts[0]);
