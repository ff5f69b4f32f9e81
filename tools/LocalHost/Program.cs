namespace Bourse.LocalHost; public static class Marker;
